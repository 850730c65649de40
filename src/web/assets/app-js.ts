/**
 * The site's only script, served at /assets/app.js?v=<hash> with `defer`.
 *
 * Goals: progressive enhancement only — every page works without it. It
 * (1) marks <html class="js"> so copy buttons show, (2) copies the BibTeX of a
 * paper to the clipboard, (3) switches the theme in place (sets the same
 * `theme` cookie the no-JS form sets, without a reload), (4) loads a paper's
 * similar papers into the page (`[data-similar]`: a server-rendered, escaped
 * HTML fragment replacing the "Show similar papers" link). Non-goals: rendering,
 * routing, or any framework.
 */
export const APP_JS = String.raw`(function(){
"use strict";
var root=document.documentElement;root.classList.add("js");
function loadSimilar(){
  var els=document.querySelectorAll("[data-similar]");
  for(var i=0;i<els.length;i++)(function(el){
    fetch(el.getAttribute("data-similar"),{headers:{Accept:"text/html"}}).then(function(r){
      return r.ok?r.text():null;
    }).then(function(t){if(t!==null){el.innerHTML=t;el.removeAttribute("data-similar");}}).catch(function(){});
  })(els[i]);
}
if(document.readyState==="loading")document.addEventListener("DOMContentLoaded",loadSimilar);else loadSimilar();
document.addEventListener("click",function(e){
  var t=e.target;if(!(t instanceof Element))return;
  var copy=t.closest("button.copy");
  if(copy){
    var src=document.getElementById(copy.getAttribute("data-copy")||"");
    if(src&&navigator.clipboard){
      navigator.clipboard.writeText(src.textContent||"").then(function(){
        var old=copy.textContent;copy.textContent="Copied";setTimeout(function(){copy.textContent=old;},1500);
      });
    }
    return;
  }
  var th=t.closest(".theme-switch button");
  if(th){
    e.preventDefault();
    var v=th.getAttribute("value")||"auto";
    if(v==="auto"){document.cookie="theme=; Path=/; Max-Age=0; SameSite=Lax";root.removeAttribute("data-theme");}
    else{document.cookie="theme="+v+"; Path=/; Max-Age=31536000; SameSite=Lax";root.setAttribute("data-theme",v);}
    var all=document.querySelectorAll(".theme-switch button");
    for(var i=0;i<all.length;i++)all[i].setAttribute("aria-pressed",String(all[i]===th));
  }
});
})();
`;
