// Ids that come from a URL: only safe characters, so anything else is "not found" before the graph
// is asked (and never ends up in a query, a log line or a page).
export const isId = (id: string) => /^[A-Za-z0-9_-]{1,64}$/.test(id);
