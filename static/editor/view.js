/* Catastif – the read-only pages: the conversions of an issued document (offer -> order,
 * order -> aviz / invoice ...) through POST /api/documents/{id}/convert, which open the new
 * draft in the editor; and the number keys of the «Document nou» chooser.
 */
(() => {
  'use strict';

  const { $, api, describe } = window.Catastif;

  const buttons = [...document.querySelectorAll('button[data-convert]')];

  function showAlert(text) {
    const box = $('alert');
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  async function convert(button) {
    const { convert: target, document: id } = button.dataset;
    for (const b of buttons) b.disabled = true;
    showAlert('');
    $('status').textContent = 'Se pregătește ciorna…';
    const res = await api('POST', `/api/documents/${id}/convert`, { target });
    if (!res.ok) {
      for (const b of buttons) b.disabled = false;
      $('status').textContent = '';
      showAlert(`Nu s-a făcut ciorna: ${describe(res.error)}`);
      button.focus();
      return;
    }
    // An invoice opens in the invoice editor, anything else in the document editor.
    const page = target === 'invoice' ? '/editor/invoices' : '/editor/documents';
    window.location.assign(`${page}/${res.data.id}`);
  }

  for (const button of buttons) button.addEventListener('click', () => convert(button));

  const shortcuts = document.querySelectorAll('[data-shortcut]');
  if (shortcuts.length) {
    document.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const link = [...shortcuts].find((a) => a.dataset.shortcut === e.key);
      if (link) {
        e.preventDefault();
        window.location.assign(link.href);
      }
    });
    shortcuts[0].focus();
  }
})();
