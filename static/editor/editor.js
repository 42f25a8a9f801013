/* Catastif – editorul de facturi.
 *
 * A grid of lines typed from the keyboard, article and client search as you type, live
 * totals per VAT rate. No VAT arithmetic here: the server computes every figure with the
 * one totals function (POST /editor/api/totals) and saves/issues through /api/invoices.
 * This script only reads what the user types, sends it, and shows what the server answers.
 */
(() => {
  'use strict';

  const data = JSON.parse(document.getElementById('editor-data').textContent);
  const $ = (id) => document.getElementById(id);
  const MAIN = ['article', 'quantity', 'unit_price', 'discount']; // Enter/Tab walk these
  const DECIMALS = { quantity: 3, unit_price: 4, discount: 2, discount_percent: 2 };
  const CODE_RO = {
    S: '', Z: 'cota zero', E: 'scutit', AE: 'taxare inversă',
    K: 'livrare intracomunitară', G: 'export', O: 'neimpozabil',
  };
  const DEFAULT_CATEGORY = 'S-STANDARD';
  const SEARCH_DELAY = 120;
  const TOTALS_DELAY = 150;

  const state = { id: null, partner: null, lines: [], dirty: false, busy: false, linked: false };
  let rowSeq = 0;

  // ------------------------------------------------------------------ small helpers

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

  function status(text) { $('status').textContent = text; }

  function showAlert(text) {
    const box = $('alert');
    box.textContent = text;
    box.hidden = !text;
  }

  // ------------------------------------------------------------------ errors next to fields

  // A header field shows its message under it; a grid cell turns red and its line shows the
  // messages of its cells in a row right under it (a narrow cell would wrap them badly).
  const errors = new Map(); // element -> {source, message, line}
  const COL_RO = {
    article: 'Articol', quantity: 'Cantitate', uom: 'U.M.', unit_price: 'Preț unitar',
    discount: 'Reducere', cat: 'Categorie TVA',
  };

  function lineOf(target) {
    return target.dataset && target.dataset.col
      ? state.lines.find((line) => line.el && line.el.tr.contains(target)) || null
      : null;
  }

  function renderLineErrors(line) {
    const parts = [];
    for (const col of Object.keys(COL_RO)) {
      const found = errors.get(line.el[col]);
      if (found) parts.push(`${COL_RO[col]}: ${found.message}`);
    }
    line.el.errText.textContent = parts.join(' · ');
    line.el.errRow.hidden = !parts.length;
  }

  function setError(target, message, source) {
    const line = lineOf(target);
    const slot = line ? line.el.errText : $(`err-${target.id}`);
    if (!slot) return false;
    errors.set(target, { source, message, line });
    target.setAttribute('aria-invalid', 'true');
    if (line) {
      target.setAttribute('aria-describedby', slot.id);
      renderLineErrors(line);
    } else {
      slot.textContent = message;
    }
    return true;
  }

  function clearError(target) {
    const found = errors.get(target);
    if (!found) return;
    errors.delete(target);
    target.removeAttribute('aria-invalid');
    if (found.line) renderLineErrors(found.line);
    else $(`err-${target.id}`).textContent = '';
  }

  function clearErrors(source) {
    for (const [target, found] of [...errors]) {
      if (!source || found.source === source) clearError(target);
    }
    if (!source || source === 'save') $('err-lines').textContent = '';
  }

  const hasLocalErrors = () => [...errors.values()].some((e) => e.source === 'local');

  /** Put a refusal {code, message, field} where it belongs; `sent` maps line indexes. */
  function showRefusal(error, sent, source) {
    const message = `${error.message}${error.code ? ` (${error.code})` : ''}`;
    const field = error.field || '';
    const match = /^lines\[(\d+)\]\.(\w+)$/.exec(field);
    let target = null;
    if (match && sent && sent[Number(match[1])]) {
      const line = sent[Number(match[1])];
      const col = { vat_category: 'cat', uom_code: 'uom', description: 'article' }[match[2]] || match[2];
      target = line.el[col] || line.el.article;
    } else if (field === 'partner') {
      target = $('partner');
    } else if (field === 'lines') {
      $('err-lines').textContent = message;
      return null;
    } else if (field && $(field) && $(`err-${field}`)) {
      target = $(field);
    }
    if (target && setError(target, message, source)) return target;
    showAlert(message);
    return null;
  }

  // ------------------------------------------------------------------ combobox (search as you type)

  /**
   * An input with a listbox under it. ↑/↓ choose, Enter takes, Escape closes. `enter()`
   * waits for a search still on its way, so "Laptop⏎" typed fast (or scanned) still finds
   * the laptop.
   */
  function combobox(input, list, { search, render, choose, empty }) {
    let items = [];
    let active = -1;
    let timer = null;
    let seq = 0;
    let pending = null;

    function close() {
      list.hidden = true;
      list.textContent = '';
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      items = [];
      active = -1;
    }

    function setActive(i) {
      active = i;
      [...list.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
      const current = list.children[i];
      if (current && current.id) {
        input.setAttribute('aria-activedescendant', current.id);
        current.scrollIntoView({ block: 'nearest' });
      }
    }

    function show(found, q) {
      items = found;
      list.textContent = '';
      if (!found.length) {
        list.append(el('li', { class: 'none', role: 'option', 'aria-disabled': 'true', text: empty(q) }));
      }
      found.forEach((item, i) => {
        const li = el('li', { id: `${list.id}-${i}`, role: 'option', 'aria-selected': 'false' }, ...render(item));
        li.addEventListener('mousedown', (e) => e.preventDefault()); // keep the focus
        li.addEventListener('click', () => take(i));
        list.append(li);
      });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      setActive(found.length ? 0 : -1);
    }

    function query(q) {
      clearTimeout(timer);
      const mine = ++seq;
      pending = new Promise((resolve) => {
        timer = setTimeout(async () => {
          let found = [];
          try { found = await search(q); } catch { found = []; }
          if (mine === seq) {
            pending = null;
            if (document.activeElement === input) show(found, q);
            else {
              items = found; // the user moved on (Enter before the answer): keep, do not show
              active = found.length ? 0 : -1;
            }
          }
          resolve();
        }, SEARCH_DELAY);
      });
    }

    function take(i) {
      const item = items[i];
      close();
      if (item) choose(item);
    }

    input.addEventListener('input', () => {
      const q = input.value.trim();
      if (!q) {
        seq += 1;
        clearTimeout(timer);
        pending = null;
        close();
        return;
      }
      query(q);
    });
    input.addEventListener('blur', () => close());

    return {
      close,
      get waiting() { return pending !== null; },
      get open() { return !list.hidden && items.length > 0; },
      /** Take the highlighted item now; true if there was one. */
      takeActive() {
        if (!items.length || active < 0) return false;
        take(active);
        return true;
      },
      /** After the search in flight answers, take its first/highlighted item (if any). */
      async settle() {
        if (pending) await pending;
        return this.takeActive();
      },
      /** ↑/↓/Escape while the list is open; true when the key was used. */
      key(e) {
        if (list.hidden) return false;
        if (e.key === 'ArrowDown' && items.length) {
          setActive((active + 1) % items.length);
          return true;
        }
        if (e.key === 'ArrowUp' && items.length) {
          setActive((active - 1 + items.length) % items.length);
          return true;
        }
        if (e.key === 'Escape') {
          seq += 1;
          pending = null;
          close();
          return true;
        }
        return false;
      },
    };
  }

  // ------------------------------------------------------------------ the lines grid

  const body = $('lines');

  function options(select, rows, value) {
    for (const row of rows) select.append(el('option', { value: row.value, text: row.label }));
    if (value !== undefined) select.value = value;
  }

  const unitOptions = data.units.map((u) => ({ value: u.code, label: u.symbol || u.code }));
  const categoryOptions = data.categories.map((c) => ({ value: c.code, label: c.code }));

  function newLine(init = {}) {
    return {
      article: init.article || null,
      articleCode: init.articleCode || '',
      description: init.description || '',
      uom_code: init.uom_code || 'H87',
      vat_category: init.vat_category || DEFAULT_CATEGORY,
      quantity: init.quantity || '',
      unit_price: init.unit_price || '',
      discount: init.discount || '',
      el: null,
      combo: null,
    };
  }

  function numberCell(line, col, label) {
    const input = el('input', {
      type: 'text', inputmode: 'decimal', class: 'cell num', 'data-col': col,
      'aria-label': label, spellcheck: 'false', value: line[col] ? fmtInput(line[col]) : null,
    });
    input.addEventListener('focus', () => input.select());
    input.addEventListener('input', () => {
      line[col] = input.value;
      touched();
      const parsed = parseNumber(input.value, DECIMALS[col]);
      clearError(input);
      if (parsed.error) setError(input, parsed.error, 'local');
      scheduleTotals();
    });
    return input;
  }

  /** "1000.5" as the user would type it: "1000,5". */
  function fmtInput(value) { return String(value).replace('.', ','); }

  function buildRow(line) {
    const key = ++rowSeq;
    const tr = el('tr', { 'data-key': key });
    const pos = el('td', { class: 'c-pos' });

    const article = el('input', {
      type: 'text', class: 'cell', 'data-col': 'article', role: 'combobox',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `art-list-${key}`,
      spellcheck: 'false', placeholder: 'Caută articol (denumire, cod, cod de bare)…',
      value: line.description || null,
    });
    const list = el('ul', { id: `art-list-${key}`, class: 'listbox', role: 'listbox', 'aria-label': 'Articole găsite', hidden: true });
    const badge = el('span', { class: 'code-badge', text: line.articleCode || '' });
    const quantity = numberCell(line, 'quantity', 'Cantitate');
    const uom = el('select', { class: 'cell', 'data-col': 'uom', tabindex: '-1', 'aria-label': 'Unitate de măsură (Alt+U)' });
    options(uom, unitOptions);
    if (!unitOptions.some((u) => u.value === line.uom_code)) options(uom, [{ value: line.uom_code, label: line.uom_code }]);
    uom.value = line.uom_code;
    const unitPrice = numberCell(line, 'unit_price', 'Preț unitar fără TVA');
    const discount = numberCell(line, 'discount', 'Reducere (valoare)');
    const cat = el('select', { class: 'cell', 'data-col': 'cat', tabindex: '-1', 'aria-label': 'Categorie TVA (Alt+T)' });
    options(cat, categoryOptions, line.vat_category);
    const rate = el('td', { class: 'c-rate', 'aria-live': 'off' });
    const net = el('td', { class: 'c-net' });
    const del = el('button', { type: 'button', class: 'del', tabindex: '-1', text: '×' });

    tr.append(
      pos,
      el('td', { class: 'c-art' }, el('div', { class: 'combo' }, article, badge, list)),
      el('td', { class: 'c-num' }, quantity),
      el('td', { class: 'c-uom' }, uom),
      el('td', { class: 'c-num' }, unitPrice),
      el('td', { class: 'c-num' }, discount),
      el('td', { class: 'c-cat' }, cat),
      rate,
      net,
      el('td', { class: 'c-del' }, del),
    );
    const errText = el('p', { class: 'err', id: `err-line-${key}` });
    const errRow = el('tr', { class: 'line-err', hidden: true }, el('td'), el('td', { colspan: '9' }, errText));
    line.el = {
      tr, errRow, errText, pos, article, badge, quantity, uom, unit_price: unitPrice, discount,
      cat, rate, net, del,
    };

    line.combo = combobox(article, list, {
      search: async (q) => {
        const res = await api('GET', `/api/articles/?limit=8&q=${encodeURIComponent(q)}`);
        return res.ok ? res.data.items.filter((a) => a.active) : [];
      },
      render: (a) => [
        el('span', { class: 'opt-main', text: a.name }),
        el('span', { class: 'opt-side', text: `${a.code} · ${a.uom} · ${a.vat_category}` }),
      ],
      choose: (a) => chooseArticle(line, a),
      empty: () => 'Niciun articol găsit: textul rămâne ca denumire liberă (Enter).',
    });

    article.addEventListener('input', () => {
      line.description = article.value;
      if (!article.value.trim()) {
        line.article = null;
        line.articleCode = '';
        badge.textContent = '';
      }
      clearError(article);
      touched();
      scheduleTotals();
    });
    uom.addEventListener('change', () => { line.uom_code = uom.value; touched(); });
    cat.addEventListener('change', () => {
      line.vat_category = cat.value;
      clearError(cat);
      touched();
      scheduleTotals();
    });
    del.setAttribute('aria-label', 'Șterge linia');
    del.addEventListener('click', () => removeLine(line, 'article'));
    tr.addEventListener('keydown', (e) => onGridKey(e, line));
    return tr;
  }

  function chooseArticle(line, a) {
    const e = line.el;
    line.article = a.id;
    line.articleCode = a.code;
    line.description = a.name;
    line.uom_code = a.uom;
    line.vat_category = a.vat_category;
    e.article.value = a.name;
    e.badge.textContent = a.code;
    if (![...e.uom.options].some((o) => o.value === a.uom)) options(e.uom, [{ value: a.uom, label: a.uom }]);
    e.uom.value = a.uom;
    e.cat.value = a.vat_category;
    for (const col of ['article', 'cat', 'uom']) clearError(e[col]);
    if (!line.quantity) {
      line.quantity = '1';
      e.quantity.value = '1';
      if (document.activeElement === e.quantity) e.quantity.select(); // typing replaces it
    }
    touched();
    scheduleTotals();
    if (document.activeElement === e.article) focusCell(line, 'quantity');
  }

  function renumber() {
    state.lines.forEach((line, i) => {
      line.el.pos.textContent = String(i + 1);
      line.el.del.setAttribute('aria-label', `Șterge linia ${i + 1}`);
      line.el.article.setAttribute('aria-label', `Linia ${i + 1}: articol sau denumire`);
    });
  }

  function addLine(init) {
    const line = newLine(init);
    state.lines.push(line);
    body.append(buildRow(line), line.el.errRow);
    renumber();
    return line;
  }

  function removeLine(line, col) {
    const i = state.lines.indexOf(line);
    if (i < 0) return;
    for (const target of Object.values(line.el)) errors.delete(target);
    line.el.tr.remove();
    line.el.errRow.remove();
    if (state.lines.length === 1) {
      state.lines = [];
      addLine().el.article.focus();
    } else {
      state.lines.splice(i, 1);
      renumber();
      const next = state.lines[Math.min(i, state.lines.length - 1)];
      next.el[col in next.el ? col : 'article'].focus();
    }
    touched();
    scheduleTotals();
    status('Linia a fost ștearsă.');
  }

  const isBlank = (line) => !line.article && !line.description.trim();

  function focusCell(line, col) {
    const target = line.el[col];
    target.focus();
    if (target.select) target.select();
  }

  /** The cell after `col` on `line`; after the last one, the next line (a new one at the end). */
  function nextCell(line, col) {
    const k = MAIN.indexOf(col);
    if (k >= 0 && k < MAIN.length - 1) {
      focusCell(line, MAIN[k + 1]);
      return;
    }
    const next = state.lines[state.lines.indexOf(line) + 1] || (state.linked ? null : addLine());
    if (next) focusCell(next, 'article');
  }

  function onGridKey(e, line) {
    const target = e.target;
    const col = target.dataset.col;
    if (!col) return;
    if ((e.ctrlKey && e.key === 'Delete') || (e.altKey && e.key === 'Backspace')) {
      e.preventDefault();
      if (!state.linked) removeLine(line, MAIN.includes(col) ? col : 'article');
      return;
    }
    if (e.altKey && !e.ctrlKey && (e.code === 'KeyU' || e.code === 'KeyT')) {
      e.preventDefault();
      line.el[e.code === 'KeyU' ? 'uom' : 'cat'].focus();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return; // Ctrl+S, Ctrl+Enter: the page's

    if (col === 'article') {
      if (line.combo.key(e)) {
        e.preventDefault();
        return;
      }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        moveVertically(e, line, col);
        return;
      }
      const tab = e.key === 'Tab' && !e.shiftKey;
      if (e.key === 'Enter' || (tab && (line.combo.open || line.combo.waiting))) {
        e.preventDefault();
        if (line.combo.waiting) {
          // Typed fast (or scanned): move on at once, so the next keys land in the quantity;
          // the article follows as soon as the search answers.
          focusCell(line, 'quantity');
          line.settling = line.combo.settle().finally(() => { line.settling = null; });
          return;
        }
        if (line.combo.takeActive()) return; // chooseArticle moved the focus
        line.combo.close();
        if (isBlank(line)) {
          if (e.key === 'Enter') status('Linie goală: scrieți un articol sau o denumire (Ctrl+Enter emite factura).');
          return;
        }
        focusCell(line, 'quantity');
      }
      return;
    }
    if (col === 'uom' || col === 'cat') {
      if (e.key === 'Enter' || e.key === 'Escape') {
        e.preventDefault();
        if (col === 'uom') focusCell(line, 'unit_price');
        else nextCell(line, 'discount');
      }
      return;
    }
    // number cells
    if (e.key === 'Enter') {
      e.preventDefault();
      nextCell(line, col);
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') moveVertically(e, line, col);
  }

  /** ↑/↓ outside a list: the same column on the line above or below. */
  function moveVertically(e, line, col) {
    const i = state.lines.indexOf(line) + (e.key === 'ArrowDown' ? 1 : -1);
    if (state.lines[i]) {
      e.preventDefault();
      focusCell(state.lines[i], col);
    }
  }

  /**
   * The lines to send (blank ones left out) and, by sent index, the grid line. Empty numbers
   * are null for the totals (zero while typing); a saved line says 0 (a zero quantity is
   * then refused next to its cell).
   */
  function linesPayload(forSave = false) {
    const sent = [];
    const lines = [];
    for (const line of state.lines) {
      if (isBlank(line)) continue;
      sent.push(line);
      const num = (col) => parseNumber(line[col], DECIMALS[col]).value ?? (forSave ? '0' : null);
      lines.push({
        article: line.article,
        description: line.description.trim(),
        uom_code: line.uom_code,
        vat_category: line.vat_category,
        quantity: num('quantity'),
        unit_price: num('unit_price'),
        discount: num('discount'),
      });
    }
    return { lines, sent };
  }

  // ------------------------------------------------------------------ live totals

  let totalsTimer = null;
  let totalsAbort = null;
  const summary = $('vat-table');

  function scheduleTotals() {
    clearTimeout(totalsTimer);
    summary.classList.add('stale');
    totalsTimer = setTimeout(runTotals, TOTALS_DELAY);
  }

  function headerValue(id) { return $(id).value.trim(); }

  /** A rate chosen by hand on the draft (through the API) still holds for its currency. */
  function draftRate() {
    const h = data.draft ? data.draft.header : null;
    return h && h.fx_rate && h.currency === headerValue('currency') ? h.fx_rate : null;
  }

  async function runTotals() {
    if (hasLocalErrors()) return; // figures stay greyed until the marked cells are fixed
    const { lines, sent } = linesPayload();
    const payload = {
      lines,
      issue_date: headerValue('issue_date') || null,
      delivery_date: headerValue('delivery_date') || null,
      currency: headerValue('currency') || 'RON',
      discount_percent: parseNumber(headerValue('discount_percent')).value,
      fx_rate: draftRate(),
    };
    if (totalsAbort) totalsAbort.abort();
    totalsAbort = new AbortController();
    let res;
    try {
      res = await api('POST', '/editor/api/totals', payload, totalsAbort.signal);
    } catch { return; } // replaced by a newer request
    clearErrors('totals');
    if (!res.ok) {
      showRefusal(res.error, sent, 'totals');
      return;
    }
    showTotals(res.data, sent);
  }

  function showTotals(t, sent) {
    for (const line of state.lines) {
      line.el.rate.textContent = '';
      line.el.net.textContent = '';
    }
    t.lines.forEach((lt, i) => {
      const line = sent[i];
      if (!line) return;
      const note = CODE_RO[lt.vat_code];
      line.el.rate.textContent = `${fmt(lt.vat_rate, 0)}%`;
      line.el.rate.title = note || '';
      line.el.net.textContent = fmt(lt.net);
    });
    const groups = $('vat-groups');
    groups.textContent = '';
    if (!t.groups.length) {
      groups.append(el('tr', { class: 'empty' }, el('td', { colspan: '3', text: 'Totalurile apar pe măsură ce completați liniile.' })));
    }
    for (const g of t.groups) {
      const note = CODE_RO[g.vat_code];
      groups.append(el('tr', { 'data-rate': g.vat_rate, 'data-code': g.vat_code },
        el('th', { scope: 'row', text: `TVA ${fmt(g.vat_rate, 0)}%${note ? ` (${note})` : ''}` }),
        el('td', { class: 'base', text: fmt(g.base) }),
        el('td', { class: 'vat', text: fmt(g.vat) })));
    }
    const allowance = Number(t.allowance_total) !== 0;
    $('row-allowance').hidden = !allowance;
    $('total-allowance').textContent = allowance ? `−${fmt(t.allowance_total)}` : '';
    $('total-net').textContent = fmt(t.tax_exclusive);
    $('total-vat').textContent = fmt(t.vat_total);
    $('total-payable').textContent = `${fmt(t.payable)} ${t.currency}`;
    $('bar-payable').textContent = fmt(t.payable);
    $('bar-currency').textContent = t.currency;
    const foreign = t.currency !== 'RON';
    $('row-vat-ron').hidden = !(foreign && t.fx_rate);
    $('total-vat-ron').textContent = foreign && t.fx_rate ? `${fmt(t.vat_total_ron)} RON` : '';
    const fx = $('fx-info');
    fx.classList.toggle('warn', Boolean(t.fx_message));
    if (!foreign) fx.textContent = '';
    else if (t.fx_message) fx.textContent = t.fx_message;
    else fx.textContent = `Curs BNR ${fmt(t.fx_rate, 4)}${t.fx_date ? ` din ${roDate(t.fx_date)}` : ''}`;
    $('hint-delivery').textContent = `Cotele TVA în vigoare la ${roDate(t.tax_date)}.`;
    summary.classList.remove('stale');
  }

  // ------------------------------------------------------------------ header, partner

  const partnerInput = $('partner');

  function showPartner(p) {
    state.partner = p;
    partnerInput.value = p ? p.name : '';
    const bits = p ? [p.cui ? `CUI ${p.cui}` : '', p.city || ''].filter(Boolean) : [];
    $('partner-info').textContent = bits.join(' · ');
  }

  const partnerCombo = combobox(partnerInput, $('partner-list'), {
    search: async (q) => {
      const res = await api('GET', `/api/partners/?limit=8&q=${encodeURIComponent(q)}`);
      return res.ok ? res.data.items.filter((p) => p.active) : [];
    },
    render: (p) => [
      el('span', { class: 'opt-main', text: p.name }),
      el('span', { class: 'opt-side', text: [p.cui || p.cnp || p.foreign_vat_id || '', p.city].filter(Boolean).join(' · ') }),
    ],
    choose: (p) => {
      showPartner({ id: p.id, name: p.name, cui: p.cui, city: p.city });
      clearError(partnerInput);
      touched();
    },
    empty: (q) => `Niciun partener găsit pentru „${q}”. Adăugați-l în Parteneri.`,
  });

  partnerInput.addEventListener('keydown', async (e) => {
    if (partnerCombo.key(e)) {
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      const grid = () => focusCell(state.lines.find(isBlank) || state.lines[0], 'article');
      const refuse = () => setError(partnerInput, 'Alegeți clientul din listă (scrieți o parte din denumire, CUI sau CNP).', 'local-partner');
      if (partnerCombo.waiting) {
        const before = state.partner;
        grid(); // the next keys go to the lines; the client follows when the search answers
        state.partnerSettling = partnerCombo.settle();
        const taken = await state.partnerSettling;
        state.partnerSettling = null;
        if (!taken && !before) refuse();
      } else if (partnerCombo.takeActive() || state.partner) {
        grid();
      } else {
        refuse();
      }
    }
  });
  partnerInput.addEventListener('blur', () => {
    if (state.partner && partnerInput.value !== state.partner.name) {
      if (partnerInput.value.trim()) partnerInput.value = state.partner.name;
      else {
        showPartner(null);
        touched();
      }
    }
  });

  const headerFields = ['issue_date', 'delivery_date', 'due_date', 'currency', 'vat_regime', 'discount_percent', 'notes'];
  const totalsFields = new Set(['issue_date', 'delivery_date', 'currency', 'discount_percent']);

  for (const id of headerFields) {
    const input = $(id);
    const changed = () => {
      clearError(input);
      if (id === 'discount_percent') {
        const parsed = parseNumber(input.value, DECIMALS.discount_percent);
        if (parsed.error) setError(input, parsed.error, 'local');
      }
      touched();
      if (totalsFields.has(id)) scheduleTotals();
    };
    input.addEventListener('input', changed);
    input.addEventListener('change', changed);
    if (input.tagName !== 'TEXTAREA') {
      input.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey) return;
        e.preventDefault();
        const next = headerFields[headerFields.indexOf(id) + 1];
        if (next) $(next).focus();
      });
    }
  }

  function headerPayload() {
    const header = {
      issue_date: headerValue('issue_date') || null,
      delivery_date: headerValue('delivery_date') || null,
      due_date: headerValue('due_date') || null,
      currency: headerValue('currency') || 'RON',
      notes: $('notes').value,
      discount_percent: parseNumber(headerValue('discount_percent')).value || '0',
    };
    const regime = headerValue('vat_regime');
    if (regime) header.vat_regime = regime;
    return header;
  }

  // ------------------------------------------------------------------ save, issue

  function touched() { state.dirty = true; }

  function setBusy(busy) {
    state.busy = busy;
    $('save').disabled = busy;
    $('issue').disabled = busy;
    $('editor').setAttribute('aria-busy', String(busy));
  }

  async function save() {
    if (state.busy) return false;
    // An article or client chosen with Enter before its search answered: wait for it.
    await Promise.all([state.partnerSettling, ...state.lines.map((line) => line.settling)]);
    clearErrors('save');
    clearErrors('local-partner');
    showAlert('');
    if (hasLocalErrors()) {
      showAlert('Corectați valorile marcate cu roșu, apoi salvați.');
      return false;
    }
    if (!state.partner) {
      setError(partnerInput, 'Alegeți clientul facturii.', 'save');
      partnerInput.focus();
      return false;
    }
    const { lines, sent } = linesPayload(true);
    if (!lines.length) {
      $('err-lines').textContent = 'Adăugați cel puțin o linie.';
      focusCell(state.lines[0], 'article');
      return false;
    }
    const payload = { partner: state.partner.id, header: headerPayload() };
    if (!state.linked) payload.lines = lines;
    setBusy(true);
    status('Se salvează ciorna…');
    const res = state.id
      ? await api('PATCH', `/api/invoices/${state.id}`, payload)
      : await api('POST', '/api/invoices/', payload);
    setBusy(false);
    if (!res.ok) {
      status('');
      const target = showRefusal(res.error, sent, 'save');
      if (target) target.focus();
      return false;
    }
    const invoice = res.data;
    if (!state.id) {
      state.id = invoice.id;
      history.replaceState(null, '', `/editor/invoices/${invoice.id}`);
    }
    $('doc-title').textContent = `Factură – ciorna nr. ${invoice.id}`;
    document.title = `Ciorna ${invoice.id} · Catastif`;
    const regime = $('vat_regime');
    regime.value = invoice.vat_regime;
    const automatic = regime.querySelector('option[value=""]');
    if (automatic) automatic.remove();
    state.dirty = false;
    const time = new Date().toLocaleTimeString('ro-RO', { hour: '2-digit', minute: '2-digit' });
    status(`Ciorna nr. ${invoice.id} a fost salvată la ${time}.`);
    return true;
  }

  async function issue() {
    if (state.busy) return;
    if (!(await save())) return;
    setBusy(true);
    status('Se emite factura…');
    const res = await api('POST', `/api/invoices/${state.id}/issue`);
    if (!res.ok) {
      setBusy(false);
      status('');
      showRefusal(res.error, null, 'save');
      showAlert(`Factura nu a fost emisă: ${res.error.message}${res.error.code ? ` (${res.error.code})` : ''}`);
      return;
    }
    state.dirty = false;
    status(`Factura ${res.data.full_number} a fost emisă.`);
    window.location.assign(`/editor/invoices/${state.id}?emisa=1`);
  }

  document.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.altKey && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      save();
    } else if (mod && e.key === 'Enter') {
      e.preventDefault();
      issue();
    }
  });
  $('save').addEventListener('click', () => save());
  $('issue').addEventListener('click', () => issue());
  $('add-line').addEventListener('click', () => {
    const blank = state.lines.find(isBlank);
    focusCell(blank || addLine(), 'article');
  });
  $('editor').addEventListener('submit', (e) => e.preventDefault());
  window.addEventListener('beforeunload', (e) => {
    if (state.dirty) e.preventDefault();
  });

  // ------------------------------------------------------------------ start

  /** Lines that come from another document: shown, not rewritten (see the controller). */
  function lockLines() {
    state.linked = true;
    for (const line of state.lines) {
      for (const col of ['article', 'quantity', 'unit_price', 'discount']) line.el[col].readOnly = true;
      for (const col of ['uom', 'cat', 'del']) line.el[col].disabled = true;
    }
    $('add-line').hidden = true;
    $('lines-note').textContent = 'Liniile acestei ciorne provin din alt document (comandă, aviz, '
      + 'factura stornată) și rămân legate de el: aici se modifică doar clientul și antetul.';
  }

  function start() {
    const currencies = [...data.currencies];
    if (data.draft && !currencies.includes(data.draft.header.currency)) currencies.push(data.draft.header.currency);
    options($('currency'), currencies.map((c) => ({ value: c, label: c })), 'RON');
    const regime = $('vat_regime');
    const draft = data.draft;
    if (!draft) regime.append(el('option', { value: '', text: 'după firmă (implicit)' }));
    options(regime, data.regimes);
    if (draft) {
      state.id = draft.id;
      showPartner(draft.partner);
      const h = draft.header;
      for (const id of ['issue_date', 'delivery_date', 'due_date', 'currency', 'vat_regime', 'notes']) {
        if (h[id] !== undefined && h[id] !== null) $(id).value = h[id];
      }
      if (h.discount_percent && Number(h.discount_percent) !== 0) $('discount_percent').value = fmtInput(h.discount_percent);
      for (const line of draft.lines) addLine(line);
      if (draft.linked) lockLines();
    } else {
      regime.value = '';
      $('issue_date').value = data.today;
    }
    const last = state.lines[state.lines.length - 1];
    if (!state.linked && (!last || !isBlank(last))) addLine();
    state.dirty = false;
    if (state.partner) focusCell(state.lines.find(isBlank) || state.lines[0], 'article');
    else partnerInput.focus();
    if (draft) runTotals();
  }

  start();
})();
