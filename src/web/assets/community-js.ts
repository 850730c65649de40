/**
 * The community part of the site's one script (appended to app.js).
 *
 * Goals: progressive enhancement only — every form works without it. It
 * sends an upvote form (`form.upvote`) in place: the same POST with the
 * same CSRF token, asking for JSON, then updates every control of that
 * paper on the page (count by the change, pressed state, the state the
 * next click asks for). On any failure (logged out, not verified, rate
 * limited, offline) it submits the form the ordinary way, so the visitor
 * sees the server's page saying why. Non-goals: rendering anything new.
 */
export const COMMUNITY_JS = String.raw`(function(){
"use strict";
function sameId(a,b){return a.getAttribute("data-paper")===b;}
document.addEventListener("submit",function(e){
  var f=e.target;
  if(!(f instanceof HTMLFormElement)||!f.classList.contains("upvote")||!window.fetch||!window.URLSearchParams)return;
  e.preventDefault();
  if(f.getAttribute("aria-busy")==="true")return;
  f.setAttribute("aria-busy","true");
  fetch(f.action,{method:"POST",body:new URLSearchParams(new FormData(f)),headers:{Accept:"application/json"},credentials:"same-origin"})
  .then(function(r){if(!r.ok)throw new Error(String(r.status));return r.json();})
  .then(function(j){
    var all=document.querySelectorAll("form.upvote");
    for(var i=0;i<all.length;i++){
      var g=all[i];if(!sameId(g,j.paperId))continue;
      var c=g.querySelector(".count"),b=g.querySelector("button"),v=g.querySelector("input[name=vote]");
      if(c&&j.changed){var n=parseInt(c.textContent||"0",10);if(!isNaN(n)&&String(n)===(c.textContent||"").trim())c.textContent=String(n+(j.upvoted?1:-1));}
      if(b){b.setAttribute("aria-pressed",j.upvoted?"true":"false");b.setAttribute("title",j.upvoted?"Remove your upvote":"Upvote");}
      if(v)v.value=j.upvoted?"0":"1";
    }
    f.removeAttribute("aria-busy");
  })
  .catch(function(){f.removeAttribute("aria-busy");HTMLFormElement.prototype.submit.call(f);});
});
})();
`;
