/** The path of a user's public profile: "/users/ada". */
export function profilePath(username: string): string {
  return `/users/${encodeURIComponent(username)}`;
}
