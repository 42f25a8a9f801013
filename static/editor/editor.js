/* Catastif – editorul de documente: facturi, oferte, proforme, comenzi, avize.
 *
 * A grid of lines typed from the keyboard, article and client search as you type, live
 * totals per VAT rate. No VAT arithmetic here: the server computes every figure with the
 * one totals function (POST /editor/api/totals) and saves/issues through the document's
 * API (/api/invoices or /api/documents, `data.doc`). This script only reads what the user
 * types, sends it, and shows what the server answers. What differs between an invoice and
 * an aviz (words, API, header fields) comes from the page (controllers/editor/kinds.py).
 * Prices come from the price lists (POST /api/prices/resolve): each line shows the list
 * that priced it, which the user may change; a price typed by hand is nobody's list.
 */
(() => {
  'use strict';

  const { $, el, api, parseNumber, fmt, fmtInput, roDate, capitalize, describe } = window.Catastif;
  const data = JSON.parse($('editor-data').textContent);
  const doc = data.doc; // the kind being edited: its words, its API, its page
  const CODE_RO = {
    S: '', Z: 'cota zero', E: 'scutit', AE: 'taxare inversă',
    K: 'livrare intracomunitară', G: 'export', O: 'neimpozabil',
  };
  const DEFAULT_CATEGORY = 'S-STANDARD';
  const SEARCH_DELAY = 120;
  const TOTALS_DELAY = 150;
  const PRICES_DELAY = 150;
  const MANUAL = '(preț manual)'; // the «Listă» of a price typed by hand
  const HEADER_PLACES = 2; // a decimal header field (the invoice's discount %)

  const state = { id: null, partner: null, lines: [], dirty: false, busy: false, linked: false };
  let rowSeq = 0;

  // ------------------------------------------------------------------ the line model

  const unitOptions = data.units.map((u) => ({ value: u.code, label: u.symbol || u.code }));
  const categoryOptions = data.categories.map((c) => ({ value: c.code, label: c.code }));
  let listOptions = []; // the price lists the user may use on the document's day (see below)

  /**
   * The line model, in one place. A grid line is one object: `article`, `articleCode` and
   * `description` (the article cell), one field per column below, and `links` (what ties
   * it to the line it came from: kept and sent back untouched). A column here is at once a
   * field of the line, a cell of the grid, a header, a name in messages and a part of what
   * is sent: adding one (a price list, say) is adding one entry.
   *
   *   key      the line's field, and the API's name for it
   *   col      the cell's data-col (errors, shortcuts and tests find the cell by it)
   *   head     the column title; cls: the <th>/<td> class; label: the cell's aria-label
   *   name     the column in error messages (default: head)
   *   cell     'article' | 'number' | 'select' | 'out' (written from the totals)
   *   walk     Enter/Tab stop on it; the other cells are reached with Alt+hotkey
   *   hotkey   the letter of the Alt shortcut; help: its words in the keys line
   *   places   the decimals a number cell takes
   *   init     the value of a new line
   *   options  () => [{value, label}] for a select; missing: (line) => the label of a
   *            value the options lack (a list no longer offered on the document's day)
   *   totals   a change recomputes the live totals
   *   send     'all' (totals and save) | 'save' (saving only: /editor/api/totals refuses
   *            fields it does not know) | absent (not sent)
   *   out      (value) => what the API gets (default: the value itself)
   *   asks     a blank cell on a line with an article is saved as null: the server asks
   *            the price lists (default for a blank number: '0')
   *   change   (line, value) => void, after the user changed the cell
   */
  const COLUMNS = [
    { key: 'article', col: 'article', head: 'Articol / denumire', cls: 'c-art', cell: 'article', walk: true, name: 'Articol' },
    {
      key: 'quantity', col: 'quantity', head: 'Cantitate', cls: 'c-num', cell: 'number', places: 3,
      walk: true, totals: true, send: 'all', change: (line) => quantityChanged(line),
    },
    {
      key: 'uom_code', col: 'uom', head: 'U.M.', cls: 'c-uom', cell: 'select', options: () => unitOptions,
      init: 'H87', hotkey: 'U', help: 'U.M.', send: 'all', label: 'Unitate de măsură (Alt+U)',
    },
    {
      key: 'unit_price', col: 'unit_price', head: 'Preț unitar', cls: 'c-num', cell: 'number', places: 4,
      walk: true, totals: true, send: 'all', asks: true, label: 'Preț unitar fără TVA',
      change: (line) => priceTyped(line),
    },
    {
      key: 'price_list', col: 'list', head: 'Listă', cls: 'c-list', cell: 'select', options: () => listOptions,
      hotkey: 'L', help: 'lista de prețuri', send: 'save', out: (v) => (v ? Number(v) : null),
      name: 'Lista de prețuri', label: 'Lista de prețuri a liniei (Alt+L)', change: (line) => chooseList(line),
      missing: (line) => line.listName || `Lista nr. ${line.price_list}`,
    },
    {
      key: 'discount', col: 'discount', head: 'Reducere', cls: 'c-num', cell: 'number', places: 2,
      walk: true, totals: true, send: 'all', label: 'Reducere (valoare)',
    },
    {
      key: 'vat_category', col: 'cat', head: 'Categorie TVA', cls: 'c-cat', cell: 'select',
      options: () => categoryOptions, init: DEFAULT_CATEGORY, hotkey: 'T', help: 'categoria TVA',
      totals: true, send: 'all', label: 'Categorie TVA (Alt+T)',
    },
    { key: 'vat_rate', col: 'rate', head: 'Cota', cls: 'c-rate', cell: 'out' },
    { key: 'net', col: 'net', head: 'Valoare', cls: 'c-net', cell: 'out' },
  ];
  const COLUMN = Object.fromEntries(COLUMNS.map((c) => [c.col, c]));
  const FIRST = COLUMNS.find((c) => c.walk).col;
  const INPUTS = COLUMNS.filter((c) => c.cell !== 'out'); // the cells the user fills

  function newLine(init = {}) {
    const line = {
      article: init.article || null,
      articleCode: init.articleCode || '',
      description: init.description || '',
      links: init.links && Object.keys(init.links).length ? init.links : null,
      el: null, // the row's cells, by col
      combo: null, // the article search
      settling: null, // an article chosen with Enter before its search answered
      // Pricing (see «prices from the lists»): the list whose price the line shows ('' when
      // typed by hand), its name, whether the user chose it on the line, and the state of
      // the resolve calls.
      listApplied: init.price_list ? String(init.price_list) : '',
      listName: init.priceListName || '',
      pinned: false,
      pinnedApplied: false,
      choosing: false, // the user just chose a list: refuse it on the line if it cannot price
      wantPrice: false, // to be asked in the next resolve call
      priceSeq: 0, // bumped when the user types the price or changes the article
    };
    for (const c of INPUTS) if (c.cell !== 'article') line[c.key] = init[c.key] || c.init || '';
    line.price_list = line.listApplied;
    return line;
  }

  const isBlank = (line) => !line.article && !line.description.trim();

  /**
   * A line as the API takes it (blank numbers: null for the totals, which count them as
   * zero while the user types; '0' when saving, so a zero quantity is refused next to its
   * cell). Saving also sends the line's links.
   */
  function linePayload(line, forSave) {
    const out = { article: line.article, description: line.description.trim() };
    for (const c of COLUMNS) {
      if (!c.send || (c.send === 'save' && !forSave)) continue;
      let value = line[c.key];
      if (c.cell === 'number') {
        const blank = forSave && !(c.asks && line.article) ? '0' : null;
        value = parseNumber(value, c.places).value ?? blank;
      }
      out[c.key] = c.out ? c.out(value) : value;
    }
    return forSave && line.links ? { ...out, ...line.links } : out;
  }

  /** The lines to send (blank ones left out) and, by sent index, the grid line. */
  function linesPayload(forSave = false) {
    const sent = state.lines.filter((line) => !isBlank(line));
    return { lines: sent.map((line) => linePayload(line, forSave)), sent };
  }

  // ------------------------------------------------------------------ small helpers

  function status(text) { $('status').textContent = text; }

  function showAlert(text) {
    const box = $('alert');
    box.textContent = text;
    box.hidden = !text;
  }

  function options(select, rows, value) {
    for (const row of rows) select.append(el('option', { value: row.value, text: row.label }));
    if (value !== undefined) select.value = value;
  }

  /** Choose `value` in a select, adding it when it is not offered (a unit only the article has). */
  function choose(select, value, label = value) {
    if (value && ![...select.options].some((o) => o.value === String(value))) {
      options(select, [{ value, label }]);
    }
    select.value = value;
  }

  // ------------------------------------------------------------------ errors next to fields

  // A header field shows its message under it; a grid cell turns red and its line shows the
  // messages of its cells in a row right under it (a narrow cell would wrap them badly).
  const errors = new Map(); // element -> {source, message, line}

  function lineOf(target) {
    return target.dataset && target.dataset.col
      ? state.lines.find((line) => line.el && line.el.tr.contains(target)) || null
      : null;
  }

  function renderLineErrors(line) {
    const parts = [];
    for (const c of INPUTS) {
      const found = errors.get(line.el[c.col]);
      if (found) parts.push(`${c.name || c.head}: ${found.message}`);
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
    const message = describe(error);
    const field = error.field || '';
    const match = /^lines\[(\d+)\]\.(\w+)$/.exec(field);
    let target = null;
    const list = error.details && error.details.price_list;
    if (list && sent) { // a list the user may not use: on every line it priced
      for (const line of sent.filter((x) => x.price_list === String(list))) {
        if (setError(line.el.list, message, source)) target = target || line.el.list;
      }
      if (target) return target;
    }
    if (match && sent && sent[Number(match[1])]) {
      const line = sent[Number(match[1])];
      const column = COLUMNS.find((c) => c.key === match[2] && c.cell !== 'out');
      target = line.el[column ? column.col : 'article']; // description, links: the article
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

  function buildHead() {
    const tr = el('tr', {}, el('th', { scope: 'col', class: 'c-pos', text: '#' }));
    for (const c of COLUMNS) tr.append(el('th', { scope: 'col', class: c.cls, text: c.head }));
    tr.append(el('th', { scope: 'col', class: 'c-del' }, el('span', { class: 'sr-only', text: 'Șterge' })));
    $('lines-head').append(tr);
    const keys = $('keys-columns');
    for (const c of COLUMNS.filter((x) => x.hotkey)) {
      keys.append(' · ', el('kbd', { text: 'Alt' }), '+', el('kbd', { text: c.hotkey }), ` ${c.help || c.head}`);
    }
  }

  function numberCell(line, c) {
    const input = el('input', {
      type: 'text', inputmode: 'decimal', class: 'cell num', 'data-col': c.col,
      'aria-label': c.label || c.head, spellcheck: 'false', value: line[c.key] ? fmtInput(line[c.key]) : null,
    });
    input.addEventListener('focus', () => input.select());
    input.addEventListener('input', () => {
      line[c.key] = input.value;
      touched();
      const parsed = parseNumber(input.value, c.places);
      clearError(input);
      if (parsed.error) setError(input, parsed.error, 'local');
      if (c.change) c.change(line, input.value);
      if (c.totals) scheduleTotals();
    });
    return input;
  }

  function selectCell(line, c) {
    const select = el('select', { class: 'cell', 'data-col': c.col, tabindex: '-1', 'aria-label': c.label || c.head });
    options(select, c.options());
    choose(select, line[c.key], c.missing && line[c.key] ? c.missing(line) : line[c.key]);
    select.addEventListener('change', () => {
      line[c.key] = select.value;
      clearError(select);
      touched();
      if (c.change) c.change(line, select.value);
      if (c.totals) scheduleTotals();
    });
    return select;
  }

  /** The article cell: search as you type; free text stays as the line's description. */
  function articleCell(line, c, key) {
    const input = el('input', {
      type: 'text', class: 'cell', 'data-col': c.col, role: 'combobox',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `art-list-${key}`,
      spellcheck: 'false', placeholder: 'Caută articol (denumire, cod, cod de bare)…',
      value: line.description || null,
    });
    const list = el('ul', { id: `art-list-${key}`, class: 'listbox', role: 'listbox', 'aria-label': 'Articole găsite', hidden: true });
    const badge = el('span', { class: 'code-badge', text: line.articleCode || '' });
    el('div', { class: 'combo' }, input, badge, list);
    line.el.badge = badge;
    if (line.links) {
      // The line continues one of another document: its article stays (its quantity may change).
      input.readOnly = true;
      input.title = 'Linia provine din documentul de origine: articolul rămâne, cantitatea se poate micșora.';
    }
    line.combo = combobox(input, list, {
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
    input.addEventListener('input', () => {
      line.description = input.value;
      if (!input.value.trim()) {
        line.article = null;
        line.articleCode = '';
        badge.textContent = '';
        forgetListPrice(line); // a list priced the article, not the free text
      }
      clearError(input);
      touched();
      scheduleTotals();
    });
    return input;
  }

  const CELLS = { article: articleCell, number: numberCell, select: selectCell };

  function buildRow(line) {
    const key = ++rowSeq;
    const tr = el('tr', { 'data-key': key });
    const pos = el('td', { class: 'c-pos' });
    const del = el('button', { type: 'button', class: 'del', tabindex: '-1', text: '×', 'aria-label': 'Șterge linia' });
    line.el = { tr, pos, del };
    tr.append(pos);
    for (const c of COLUMNS) {
      if (c.cell === 'out') {
        line.el[c.col] = el('td', { class: c.cls, 'aria-live': 'off' });
        tr.append(line.el[c.col]);
        continue;
      }
      const cell = CELLS[c.cell](line, c, key);
      line.el[c.col] = cell;
      tr.append(el('td', { class: c.cls }, c.cell === 'article' ? cell.parentNode : cell));
    }
    tr.append(el('td', { class: 'c-del' }, del));
    line.el.errText = el('p', { class: 'err', id: `err-line-${key}` });
    line.el.errRow = el('tr', { class: 'line-err', hidden: true },
      el('td'), el('td', { colspan: String(COLUMNS.length + 1) }, line.el.errText));
    del.addEventListener('click', () => removeLine(line, FIRST));
    tr.addEventListener('keydown', (e) => onGridKey(e, line));
    return tr;
  }

  /** Set a field of the line and its cell, as if typed (an article fills unit and category). */
  function setField(line, key, value) {
    const c = COLUMNS.find((x) => x.key === key);
    const cell = line.el[c.col];
    line[key] = value;
    if (c.cell === 'select') choose(cell, value);
    else cell.value = c.cell === 'number' ? fmtInput(value) : value;
    clearError(cell);
  }

  function chooseArticle(line, a) {
    const e = line.el;
    line.article = a.id;
    line.articleCode = a.code;
    line.description = a.name;
    e.article.value = a.name;
    e.badge.textContent = a.code;
    clearError(e.article);
    setField(line, 'uom_code', a.uom);
    setField(line, 'vat_category', a.vat_category);
    if (!line.quantity) {
      setField(line, 'quantity', '1');
      if (document.activeElement === e.quantity) e.quantity.select(); // typing replaces it
    }
    forgetListPrice(line); // the other article's list price; a typed price stays
    askPrice(line);
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
      addLine().el[FIRST].focus();
    } else {
      state.lines.splice(i, 1);
      renumber();
      const next = state.lines[Math.min(i, state.lines.length - 1)];
      next.el[col in next.el ? col : FIRST].focus();
    }
    touched();
    scheduleTotals();
    status('Linia a fost ștearsă.');
  }

  function focusCell(line, col) {
    const target = line.el[col];
    target.focus();
    if (target.select) target.select();
  }

  /** The cell Enter/Tab goes to after `col`; after the last one, the next line (a new one at the end). */
  function nextCell(line, col) {
    const from = COLUMNS.findIndex((c) => c.col === col);
    const next = COLUMNS.slice(from + 1).find((c) => c.walk);
    if (next) {
      focusCell(line, next.col);
      return;
    }
    const below = state.lines[state.lines.indexOf(line) + 1] || (state.linked ? null : addLine());
    if (below) focusCell(below, FIRST);
  }

  function onGridKey(e, line) {
    const col = e.target.dataset.col;
    if (!col) return;
    if ((e.ctrlKey && e.key === 'Delete') || (e.altKey && e.key === 'Backspace')) {
      e.preventDefault();
      if (!state.linked) removeLine(line, COLUMN[col].walk ? col : FIRST);
      return;
    }
    const hot = e.altKey && !e.ctrlKey && COLUMNS.find((c) => c.hotkey && e.code === `Key${c.hotkey}`);
    if (hot) {
      e.preventDefault();
      line.el[hot.col].focus();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return; // Ctrl+S, Ctrl+Enter: the page's

    const cell = COLUMN[col].cell;
    if (cell === 'article') {
      articleKey(e, line, col);
      return;
    }
    if (cell === 'select') {
      if (e.key === 'Enter' || e.key === 'Escape') {
        e.preventDefault();
        nextCell(line, col);
      }
      return;
    }
    if (e.key === 'Enter') { // number cells
      e.preventDefault();
      nextCell(line, col);
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') moveVertically(e, line, col);
  }

  function articleKey(e, line, col) {
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
        // Typed fast (or scanned): move on at once, so the next keys land in the next cell;
        // the article follows as soon as the search answers.
        nextCell(line, col);
        line.settling = line.combo.settle().finally(() => { line.settling = null; });
        return;
      }
      if (line.combo.takeActive()) return; // chooseArticle moved the focus
      line.combo.close();
      if (isBlank(line)) {
        if (e.key === 'Enter') status(`Linie goală: scrieți un articol sau o denumire (Ctrl+Enter emite ${doc.the}).`);
        return;
      }
      nextCell(line, col);
    }
  }

  /** ↑/↓ outside a list: the same column on the line above or below. */
  function moveVertically(e, line, col) {
    const i = state.lines.indexOf(line) + (e.key === 'ArrowDown' ? 1 : -1);
    if (state.lines[i]) {
      e.preventDefault();
      focusCell(state.lines[i], col);
    }
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

  /** A header field's text ('' when this kind has no such field). */
  function fieldText(id) { return $(id) ? $(id).value.trim() : ''; }

  /** A rate chosen by hand on the draft (through the API) still holds for its currency. */
  function draftRate() {
    const h = data.draft ? data.draft.header : null;
    return h && h.fx_rate && h.currency === fieldText('currency') ? h.fx_rate : null;
  }

  async function runTotals() {
    if (hasLocalErrors()) return; // figures stay greyed until the marked cells are fixed
    const { lines, sent } = linesPayload();
    const payload = {
      lines,
      issue_date: fieldText('issue_date') || null,
      delivery_date: fieldText('delivery_date') || null,
      currency: fieldText('currency') || 'RON',
      discount_percent: parseNumber(fieldText('discount_percent')).value,
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
    // The BNR rate and the VAT in lei: what an invoice states; other documents keep neither.
    const foreign = doc.fx && t.currency !== 'RON';
    $('row-vat-ron').hidden = !(foreign && t.fx_rate);
    $('total-vat-ron').textContent = foreign && t.fx_rate ? `${fmt(t.vat_total_ron)} RON` : '';
    const fx = $('hint-currency');
    if (fx) {
      fx.classList.toggle('warn', Boolean(foreign && t.fx_message));
      if (!foreign) fx.textContent = '';
      else if (t.fx_message) fx.textContent = t.fx_message;
      else fx.textContent = `Curs BNR ${fmt(t.fx_rate, 4)}${t.fx_date ? ` din ${roDate(t.fx_date)}` : ''}`;
    }
    const day = $('hint-delivery_date');
    if (day) day.textContent = `Cotele TVA în vigoare la ${roDate(t.tax_date)}.`;
    summary.classList.remove('stale');
  }

  // ------------------------------------------------------------------ prices from the lists

  // A line with an article takes its price from the price lists (POST /api/prices/resolve,
  // one call for every line that needs asking): the list chosen on the line, else the one
  // that applies to the client, work point, user... The «Listă» cell shows the list that
  // priced the line (its reasons in the tooltip) and offers the lists the user may use on
  // the document's day. A price typed by hand is the user's, never overwritten; it clears
  // the list. Lines taken from another document keep the price they came with.
  let listRows = data.price_lists || []; // [{value, label, currency}], for `listsDay`
  let listsDay = data.price_day || data.today;
  let pricesTimer = null;
  let pricesRunning = false;
  let pricesAgain = false;
  let pricesWaiting = [];
  const PRICE_FIELDS = new Set(['issue_date', 'delivery_date', 'currency', 'work_point']);
  const TYPED = 'Preț tastat: nu vine dintr-o listă de prețuri.';

  /** "1250.5000" -> "1250.5" */
  const plainNumber = (text) => {
    const t = String(text);
    return t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t;
  };

  /** The day the lines are priced on: delivery date, else issue date, else today (the server's rule). */
  const priceDay = () => fieldText('delivery_date') || fieldText('issue_date') || data.today;

  function priceContext() {
    const point = fieldText('work_point');
    return {
      partner: state.partner ? state.partner.id : null,
      work_point: point ? Number(point) : null,
      date: priceDay(),
      currency: fieldText('currency') || 'RON',
    };
  }

  /** A line whose price comes from a list: one that did, or an article without a price yet. */
  function fromList(line) {
    if (!line.article || line.links) return false;
    return Boolean(line.listApplied) || line.pinned || !String(line.unit_price).trim();
  }

  /** The quantity asked for (tiers): blank or zero as one, a return's as its size; null if invalid. */
  function askedQuantity(line) {
    const parsed = parseNumber(line.quantity, 3);
    if (parsed.error) return null;
    const value = parsed.value === null ? '0' : parsed.value.replace(/^-/, '');
    return /^0*(\.0*)?$/.test(value) ? '1' : value;
  }

  function listName(id) {
    const found = listRows.find((x) => String(x.value) === String(id));
    if (found) return found.label;
    const line = state.lines.find((x) => x.listApplied === String(id) && x.listName);
    return line ? line.listName : `Lista nr. ${id}`;
  }

  /** The «Listă» options: a price typed by hand, then the lists (another currency named). */
  function buildListOptions() {
    const currency = fieldText('currency') || 'RON';
    listOptions = [{ value: '', label: MANUAL }, ...listRows.map((x) => ({
      value: String(x.value),
      label: x.currency && x.currency !== currency ? `${x.label} (${x.currency})` : x.label,
    }))];
    for (const line of state.lines) {
      const select = line.el.list;
      select.textContent = '';
      options(select, listOptions);
      choose(select, line.price_list, line.price_list ? COLUMN.list.missing(line) : MANUAL);
    }
  }

  /** The lists the user may use on the document's day, asked again when the day changes. */
  async function ensureLists() {
    const day = priceDay();
    if (day === listsDay) return;
    listsDay = day;
    const rows = [];
    let after = '';
    for (let page = 0; page < 10; page += 1) {
      const res = await api('GET', `/api/price-lists/?usable=true&on=${day}&limit=200${after}`);
      if (!res.ok) return; // the lists offered so far stay
      rows.push(...res.data.items.map((x) => ({ value: x.id, label: x.name, currency: x.currency })));
      if (!res.data.next) break;
      after = `&after=${encodeURIComponent(res.data.next)}`;
    }
    if (day !== listsDay) return; // another day was asked meanwhile
    listRows = rows;
    buildListOptions();
  }

  /** Show the list that priced the line ('' for a price typed by hand) and why. */
  function setList(line, id, name, why) {
    line.price_list = id ? String(id) : '';
    line.listApplied = line.price_list;
    line.listName = id ? name : '';
    line.pinnedApplied = line.pinned;
    choose(line.el.list, line.price_list, id ? name : MANUAL);
    line.el.list.title = why;
  }

  /** Back to the list the price came from (the one chosen could not price the line). */
  function revertList(line) {
    line.choosing = false;
    line.pinned = line.pinnedApplied;
    line.price_list = line.listApplied;
    choose(line.el.list, line.price_list, line.price_list ? line.listName : MANUAL);
  }

  /** Ask the line's price in the next resolve call (if it is a list's to give). */
  function askPrice(line) {
    if (state.linked || !fromList(line)) return;
    line.wantPrice = true;
    schedulePrices();
  }

  /** Every line priced from a list, again: the client, work point, day or currency changed. */
  function pricesChanged() {
    if (state.linked) return;
    for (const line of state.lines) if (fromList(line)) line.wantPrice = true;
    schedulePrices(); // also brings the lists of a new day
  }

  /** Another article, or none: the price the list gave the old one goes (a typed one stays). */
  function forgetListPrice(line) {
    line.priceSeq += 1;
    clearError(line.el.list);
    if (!line.listApplied) return;
    line.pinned = false;
    setField(line, 'unit_price', '');
    setList(line, '', '', '');
  }

  function quantityChanged(line) {
    askPrice(line); // another tier, perhaps (a typed price stays)
  }

  function priceTyped(line) {
    line.priceSeq += 1; // an answer on its way is for the list's price: dropped
    line.wantPrice = false;
    line.choosing = false;
    clearError(line.el.list);
    if (line.price_list || line.listApplied) {
      line.pinned = false;
      setList(line, '', '', TYPED);
    }
  }

  /** The user chose the line's list (keyboard: Alt+L, ↑/↓): its price, or why not. */
  function chooseList(line) {
    line.priceSeq += 1;
    if (!line.price_list) { // «(preț manual)»: the price shown stays, as if typed
      line.pinned = false;
      line.choosing = false;
      line.wantPrice = false;
      setList(line, '', '', TYPED);
      return;
    }
    if (!line.article) {
      revertList(line);
      setError(line.el.list, 'Alegeți întâi articolul: lista dă prețul unui articol.', 'price');
      return;
    }
    line.pinned = true;
    line.choosing = true;
    line.wantPrice = true;
    schedulePrices();
  }

  function schedulePrices() {
    clearTimeout(pricesTimer);
    pricesTimer = setTimeout(runPrices, PRICES_DELAY);
  }

  /** Resolves once no price is being asked (saving waits for the prices). */
  function pricesSettled() {
    if (!pricesTimer && !pricesRunning) return Promise.resolve();
    return new Promise((resolve) => pricesWaiting.push(resolve));
  }

  async function runPrices() {
    pricesTimer = null;
    if (pricesRunning) {
      pricesAgain = true;
      return;
    }
    pricesRunning = true;
    try {
      await ensureLists();
      const asked = state.lines.filter((line) => line.wantPrice);
      for (const line of asked) line.wantPrice = false;
      const ready = asked.filter((line) => line.article && (line.choosing || fromList(line))
        && askedQuantity(line) !== null);
      if (ready.length) await resolveLines(ready);
    } finally {
      pricesRunning = false;
    }
    if (pricesAgain) {
      pricesAgain = false;
      runPrices();
    } else if (!pricesTimer) {
      const waiting = pricesWaiting;
      pricesWaiting = [];
      for (const resolve of waiting) resolve();
    }
  }

  /** One call for the lines; a list the user may not use refuses only its lines. */
  async function resolveLines(lines) {
    const context = priceContext();
    let asks = lines.map((line) => ({
      line, seq: line.priceSeq, article: line.article,
      list: line.pinned && line.price_list ? Number(line.price_list) : null,
    }));
    while (asks.length) {
      const res = await api('POST', '/api/prices/resolve', {
        ...context,
        lines: asks.map((a) => ({ article: a.article, quantity: askedQuantity(a.line) || '1', price_list: a.list })),
      });
      if (res.ok) {
        res.data.lines.forEach((answer, i) => applyPrice(asks[i], answer));
        return;
      }
      const list = res.status === 403 && res.error.details ? res.error.details.price_list : null;
      const refused = asks.filter((a) => list && a.list === list);
      for (const a of refused.length ? refused : asks) refusePrice(a, describe(res.error), Boolean(list));
      if (!refused.length) return;
      asks = asks.filter((a) => !refused.includes(a));
    }
  }

  /** The user typed the price, changed the article or asked again since: the answer is old. */
  function stale(a) {
    const line = a.line;
    return !state.lines.includes(line) || line.priceSeq !== a.seq || line.article !== a.article
      || line.wantPrice;
  }

  function applyPrice(a, answer) {
    if (stale(a)) return;
    const line = a.line;
    const why = answer.why.join('\n');
    clearError(line.el.list);
    if (answer.found) {
      const typing = document.activeElement === line.el.unit_price;
      setField(line, 'unit_price', plainNumber(answer.net));
      if (typing) line.el.unit_price.select(); // what the user types replaces it
      line.choosing = false;
      setList(line, answer.price_list, answer.price_list_name, why);
      touched();
      scheduleTotals();
      return;
    }
    if (line.choosing) {
      revertList(line);
      setError(line.el.list, `${answer.why.join(' ')} Prețul liniei a rămas cel de dinainte.`, 'price');
    } else if (line.listApplied) { // its list no longer prices it (another day, client...)
      line.pinned = false;
      setList(line, '', '', why);
      setError(line.el.list, 'Nicio listă nu mai dă prețul acestui articol; prețul a rămas cel de '
        + `dinainte: tastați-l sau alegeți o listă. ${answer.why.join(' ')}`, 'price');
    } else {
      line.el.list.title = why; // no price yet: why no list gave one
    }
  }

  function refusePrice(a, message, forbidden) {
    if (stale(a)) return;
    const line = a.line;
    if (line.choosing) {
      revertList(line);
      setError(line.el.list, message, 'price');
    } else if (forbidden) { // its list may no longer be used: the price stays, typed
      line.pinned = false;
      setList(line, '', '', TYPED);
      setError(line.el.list, message, 'price');
    } // an automatic price that could not be asked: the line waits for the user (or the save)
  }

  // ------------------------------------------------------------------ header, partner

  const partnerInput = $('partner');

  function showPartner(p) {
    state.partner = p;
    partnerInput.value = p ? p.name : '';
    const bits = p ? [p.cui ? `CUI ${p.cui}` : '', p.city || ''].filter(Boolean) : [];
    $('partner-info').textContent = bits.join(' · ');
  }

  /** A saved document's partner: /api/documents changes the header and lines, not the client. */
  function fixPartner() {
    partnerInput.readOnly = true;
    partnerInput.title = 'Clientul nu se mai schimbă după salvarea ciornei; pentru alt client faceți o ciornă nouă.';
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
      pricesChanged(); // the client's own list, perhaps
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
      const grid = () => focusCell(state.lines.find(isBlank) || state.lines[0], FIRST);
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
        pricesChanged();
      }
    }
  });

  // The header fields this kind has (controllers/editor/kinds.py), in the page's order.
  const headerInputs = [...document.querySelectorAll('#editor [data-header]')];

  headerInputs.forEach((input, i) => {
    const changed = () => {
      clearError(input);
      if (input.dataset.kind === 'decimal') {
        const parsed = parseNumber(input.value, HEADER_PLACES);
        if (parsed.error) setError(input, parsed.error, 'local');
      }
      touched();
      if ('totals' in input.dataset) scheduleTotals();
      if (input.id === 'currency') buildListOptions(); // lists in another currency say so
      if (PRICE_FIELDS.has(input.id)) pricesChanged();
    };
    input.addEventListener('input', changed);
    input.addEventListener('change', changed);
    if (input.tagName !== 'TEXTAREA') {
      input.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey) return;
        e.preventDefault();
        if (headerInputs[i + 1]) headerInputs[i + 1].focus();
      });
    }
  });

  /** Selects whose values are row ids (the API wants numbers). */
  const ID_OPTIONS = new Set(['work_points', 'payment_terms']);

  /** What the API gets for a header field (undefined: not sent, the server decides). */
  function headerValue(input) {
    const value = input.value;
    switch (input.dataset.kind) {
      case 'date': return value || null;
      case 'decimal': return parseNumber(value.trim()).value || '0';
      case 'select':
        if (ID_OPTIONS.has(input.dataset.options)) return value ? Number(value) : null;
        return value || undefined;
      case 'text': return value.trim();
      default: return value; // a textarea, as typed
    }
  }

  function headerPayload() {
    const header = {};
    for (const input of headerInputs) {
      const value = headerValue(input);
      if (value !== undefined) header[input.id] = value;
    }
    return header;
  }

  /** Fill a header select from the reference lists; its blank option when it has one. */
  function fillSelect(select, value) {
    const rows = (data[select.dataset.options] || [])
      .map((x) => (typeof x === 'object' ? x : { value: x, label: x }));
    const blank = select.dataset.empty;
    if (blank !== undefined && !(data.draft && 'emptyOnce' in select.dataset)) {
      options(select, [{ value: '', label: blank }]);
    }
    options(select, rows);
    choose(select, value ?? '', value && ID_OPTIONS.has(select.dataset.options) ? `nr. ${value}` : value);
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
    await pricesSettled(); // the prices asked for the lines just typed
    clearErrors('save');
    clearErrors('local-partner');
    showAlert('');
    if (hasLocalErrors()) {
      showAlert('Corectați valorile marcate cu roșu, apoi salvați.');
      return false;
    }
    if (!state.partner) {
      setError(partnerInput, `Alegeți clientul ${doc.of}.`, 'save');
      partnerInput.focus();
      return false;
    }
    const { lines, sent } = linesPayload(true);
    if (!lines.length) {
      $('err-lines').textContent = 'Adăugați cel puțin o linie.';
      focusCell(state.lines[0], FIRST);
      return false;
    }
    const payload = { header: headerPayload() };
    if (!state.linked) payload.lines = lines;
    if (!state.id || !doc.partner_fixed) payload.partner = state.partner.id;
    if (!state.id && doc.doc_type) payload.doc_type = doc.doc_type;
    setBusy(true);
    status('Se salvează ciorna…');
    const res = state.id
      ? await api('PATCH', `${doc.api}/${state.id}`, payload)
      : await api('POST', `${doc.api}/`, payload);
    setBusy(false);
    if (!res.ok) {
      status('');
      const target = showRefusal(res.error, sent, 'save');
      if (target) target.focus();
      return false;
    }
    const saved = res.data;
    // A line saved without a price got it from its list on the server: shown here too.
    (state.linked ? [] : saved.lines || []).forEach((x, i) => {
      const line = sent[i];
      if (!line || lines[i].unit_price !== null || x.price_list == null) return;
      setField(line, 'unit_price', plainNumber(x.unit_price));
      setList(line, x.price_list, listName(x.price_list), '');
    });
    if (!state.id) {
      state.id = saved.id;
      history.replaceState(null, '', `${doc.page}/${saved.id}`);
    }
    $('doc-title').textContent = `${doc.noun} – ciorna nr. ${saved.id}`;
    document.title = `Ciorna ${saved.id} · Catastif`;
    // A field left to the server (the invoice's VAT regime) shows what it chose.
    for (const input of headerInputs) {
      if (!('emptyOnce' in input.dataset) || saved[input.id] == null) continue;
      input.value = saved[input.id];
      const blank = input.querySelector('option[value=""]');
      if (blank) blank.remove();
    }
    if (doc.partner_fixed) fixPartner();
    state.dirty = false;
    const time = new Date().toLocaleTimeString('ro-RO', { hour: '2-digit', minute: '2-digit' });
    status(`Ciorna nr. ${saved.id} a fost salvată la ${time}.`);
    return true;
  }

  async function issue() {
    if (state.busy) return;
    if (!(await save())) return;
    setBusy(true);
    status(`Se emite ${doc.the}…`);
    const res = await api('POST', `${doc.api}/${state.id}/issue`);
    if (!res.ok) {
      setBusy(false);
      status('');
      showRefusal(res.error, null, 'save');
      showAlert(`${capitalize(doc.the)} nu a fost ${doc.issued}: ${describe(res.error)}`);
      return;
    }
    state.dirty = false;
    status(`${capitalize(doc.the)} ${res.data.full_number} a fost ${doc.issued}.`);
    const flag = doc.key === 'invoice' ? 'emisa' : 'emis';
    window.location.assign(`${doc.page}/${state.id}?${flag}=1`);
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
    focusCell(blank || addLine(), FIRST);
  });
  $('editor').addEventListener('submit', (e) => e.preventDefault());
  window.addEventListener('beforeunload', (e) => {
    if (state.dirty) e.preventDefault();
  });

  // ------------------------------------------------------------------ start

  /** An invoice's lines taken from another document: shown, not rewritten (see the controller). */
  function lockLines() {
    state.linked = true;
    for (const line of state.lines) {
      for (const c of INPUTS) {
        if (c.cell === 'select') line.el[c.col].disabled = true;
        else line.el[c.col].readOnly = true;
      }
      line.el.del.disabled = true;
    }
    $('add-line').hidden = true;
    $('lines-note').textContent = 'Liniile acestei ciorne provin din alt document (comandă, aviz, '
      + 'factura stornată) și rămân legate de el: aici se modifică doar clientul și antetul.';
  }

  function start() {
    buildHead();
    const draft = data.draft;
    const h = draft ? draft.header : { currency: 'RON', issue_date: data.today };
    for (const input of headerInputs) {
      const value = h[input.id];
      if (input.tagName === 'SELECT') fillSelect(input, value);
      else if (input.dataset.kind === 'decimal') {
        if (value && Number(value) !== 0) input.value = fmtInput(value);
      } else if (value !== undefined && value !== null) input.value = value;
    }
    buildListOptions();
    if (draft) {
      state.id = draft.id;
      showPartner(draft.partner);
      if (doc.partner_fixed) fixPartner();
      for (const init of draft.lines) {
        const line = addLine(init);
        if (line.listApplied) line.el.list.title = `Prețul a fost luat din lista «${line.listName}».`;
      }
      if (draft.linked) lockLines();
    }
    const last = state.lines[state.lines.length - 1];
    if (!state.linked && (!last || !isBlank(last))) addLine();
    state.dirty = false;
    if (state.partner) focusCell(state.lines.find(isBlank) || state.lines[0], FIRST);
    else partnerInput.focus();
    if (draft) runTotals();
  }

  start();
})();
