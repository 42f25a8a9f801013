/* Catastif – what the editor's pages share: DOM building, the API call with the admin's
 * session and CSRF token, and numbers the Romanian way. Loaded before editor.js / view.js.
 */
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function cookie(name) {
    const found = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : '';
  }

  /** A JSON call with the admin's session; {ok, status, data} or {ok: false, error}. */
  async function api(method, url, body, signal) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') headers['X-CSRFToken'] = cookie('csrftoken');
    let response;
    try {
      response = await fetch(url, {
        method, headers, signal, credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      return { ok: false, status: 0, error: { code: 'NETWORK', message: 'Serverul nu răspunde. Verificați conexiunea și încercați din nou.' } };
    }
    let json = null;
    try { json = await response.json(); } catch { /* not JSON */ }
    if (response.ok) return { ok: true, status: response.status, data: json };
    let error = json && json.code ? json : { code: `HTTP_${response.status}`, message: `Eroare neașteptată (HTTP ${response.status}).` };
    if (json && json.code === 'REQUEST_INVALID' && json.details && json.details.reason) {
      error = { ...error, message: `${error.message} (${json.details.reason})` };
    }
    if (response.status === 401) {
      error = { ...error, message: 'Sesiunea a expirat. Autentificați-vă din nou în /admin/ (într-o filă nouă), apoi reveniți aici: ce ați scris rămâne pe pagină.' };
    }
    return { ok: false, status: response.status, error };
  }

  /** "1.234,5" / "1234.5" / "1234,5" -> "1234.5"; {error} when it is not a number. */
  function parseNumber(text, places) {
    let t = String(text).replace(/[\s\u00a0]/g, '');
    if (t === '') return { value: null };
    if (t.includes(',')) t = t.replace(/\./g, '').replace(',', '.');
    if (!/^-?\d+(\.\d+)?$/.test(t)) return { error: 'Scrieți un număr, de exemplu 12,50.' };
    const decimals = (t.split('.')[1] || '').length;
    if (places !== undefined && decimals > places) {
      return { error: `Cel mult ${places} ${places === 1 ? 'zecimală' : 'zecimale'}.` };
    }
    return { value: t };
  }

  /** A decimal string from the server, written the Romanian way: "1234.50" -> "1.234,50". */
  function fmt(value, least = 2) {
    if (value === null || value === undefined || value === '') return '';
    let text = String(value);
    const negative = text.startsWith('-');
    if (negative) text = text.slice(1);
    let [whole, decimals = ''] = text.split('.');
    whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    decimals = decimals.replace(/0+$/, '').padEnd(least, '0');
    const out = whole + (decimals ? `,${decimals}` : '');
    return negative && /[1-9]/.test(out) ? `−${out}` : out;
  }

  function roDate(iso) {
    const [y, m, d] = String(iso).split('-');
    return d ? `${d}.${m}.${y}` : '';
  }

  /** "1000.5" as the user would type it: "1000,5". */
  const fmtInput = (value) => String(value).replace('.', ',');

  const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);

  /** A refusal as the user reads it: the message and, for support, its code. */
  const describe = (error) => `${error.message}${error.code ? ` (${error.code})` : ''}`;

  window.Catastif = { $, el, api, parseNumber, fmt, fmtInput, roDate, capitalize, describe };
})();
