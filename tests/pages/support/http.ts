// A browser-less visitor for the pages: fetch with a cookie jar, no redirects followed, and the
// CSRF token read from the page's form, as a browser would post it.
export interface Visit {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
  setCookies: string[];
}

export class Visitor {
  readonly jar = new Map<string, string>();
  constructor(private readonly baseUrl: string) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  async get(path: string): Promise<Visit> {
    return this.send('GET', path);
  }

  async post(path: string, form: Record<string, string>): Promise<Visit> {
    return this.send('POST', path, form);
  }

  /** GETs `path` and returns the CSRF token of its first form. */
  async csrfFrom(path: string): Promise<string> {
    const page = await this.get(path);
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return m[1]!;
  }

  async login(personId: string, terug = '/'): Promise<Visit> {
    const csrf = await this.csrfFrom('/inloggen');
    return this.post('/inloggen', { _csrf: csrf, persoon: personId, terug });
  }

  private async send(method: string, path: string, form?: Record<string, string>): Promise<Visit> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), headers: res.headers, setCookies };
  }
}
