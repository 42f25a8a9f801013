"""Romanian (``ro``) translation of the piccolo-admin user interface.

This is our own translation: piccolo-admin ships no Romanian one. It covers every key of
``piccolo_admin.translations.data.ENGLISH`` and must stay complete -- when piccolo-admin is
upgraded, add a Romanian value for each new key (``tests/admin/test_translations.py`` fails
until that is done, and also checks the strings the built front end passes to ``$t``).

Conventions:

* Actions use the second-person singular imperative usual in Romanian business software
  ("Adaugă", "Salvează", "Filtrează"); "row" is rendered as "înregistrare".
* Diacritics are the correct comma-below ș/ț (U+0219, U+021B), never cedilla ş/ţ.
* vue-i18n treats ``{``, ``}``, ``@`` and ``|`` as message syntax; none of the English
  strings have placeholders, so the values must not contain those characters either.
* Several strings are fragments the UI joins with numbers and names, e.g.
  "Showing 15 of 40 result(s)", "3 selected result(s) on page 2", "Delete 3 rows",
  "invoice with a matching customer"; the fragments here are chosen to read correctly there.
"""

from piccolo_admin.translations.models import Translation

ROMANIAN = Translation(
    language_name="Română",
    language_code="ro",
    translations={
        "About": "Despre",
        "Add Row": "Adaugă înregistrare",
        "Add": "Adaugă",
        "Apply": "Aplică",
        "Ascending": "Crescător",
        "Back to home page": "Înapoi la pagina principală",
        "Back": "Înapoi",
        "Change Password": "Schimbă parola",
        "Clear filters": "Șterge filtrele",
        "Close": "Închide",
        "Comma": "Virgulă",
        "Create": "Creează",
        "Current password": "Parola actuală",
        "Dark Mode": "Mod întunecat",
        "Days": "Zile",
        "Delete": "Șterge",
        "Delimiter": "Separator",
        "Descending": "Descrescător",
        "Download": "Descarcă",
        "Download failed": "Descărcarea a eșuat",
        "Download successful": "Descărcare reușită",
        "Edit": "Editează",
        "Export CSV": "Exportă CSV",
        "Filter": "Filtrează",
        (
            "For timestamps which are timezone aware, "
            "they will be displayed in this timezone by default."
        ): "Marcajele de timp care includ fusul orar vor fi afișate implicit în acest fus orar.",
        "Form submitted": "Formular trimis",
        "Forms": "Formulare",
        "Hide Filters": "Ascunde filtrele",
        "Hide referencing tables": "Ascunde tabelele asociate",
        "Home": "Acasă",
        "Hours": "Ore",
        "Light Mode": "Mod luminos",
        "Links": "Linkuri",
        "Loading": "Se încarcă",
        "Log Out": "Deconectare",
        "Login": "Autentificare",
        "MFA Code": "Cod MFA",
        "MFA Setup": "Configurare MFA",
        "Minutes": "Minute",
        "New password confirmation": "Confirmarea parolei noi",
        "New password": "Parola nouă",
        "New value": "Valoare nouă",
        "No results found": "Nu s-au găsit rezultate",
        "Note: Large data sets may take a while.": (
            "Notă: exportul volumelor mari de date poate dura mai mult."
        ),
        "Note: They are converted to UTC when stored in the database.": (
            "Notă: la salvarea în baza de date, acestea sunt convertite în UTC."
        ),
        # "Showing 15 of 40 result(s)" -> "Se afișează 15 din 40 rezultat(e)"
        "of": "din",
        # "3 selected result(s) on page 2" -> "3 rezultat(e) selectat(e) pe pagina 2"
        "page": "pagina",
        "Password": "Parolă",
        "result(s)": "rezultat(e)",
        # "Delete 3 rows" / "Update 3 rows" -> "Șterge 3 înregistrări" / "Actualizează 3 ..."
        "rows": "înregistrări",
        "Save": "Salvează",
        "Seconds": "Secunde",
        "Select a column to update": "Selectează coloana de actualizat",
        "Select a Column": "Selectează o coloană",
        "Select a table in the sidebar to get started.": (
            "Selectează un tabel din bara laterală pentru a începe."
        ),
        "selected result(s) on": "rezultat(e) selectat(e) pe",
        "Semicolon": "Punct și virgulă",
        "Set Timezone": "Setează fusul orar",
        "Show Filters": "Afișează filtrele",
        "Show referencing tables": "Afișează tabelele asociate",
        "Showing": "Se afișează",
        "Sort by": "Sortează după",
        "Sort": "Sortează",
        "Submit": "Trimite",
        "Tables": "Tabele",
        "Timezone": "Fus orar",
        "Thanks for using Piccolo Admin.": "Îți mulțumim că folosești Piccolo Admin.",
        "Update": "Actualizează",
        # Link shown after a custom form was submitted; it resets the form.
        "Use again": "Completează din nou",
        "Username": "Nume de utilizator",
        # "Version 1.14" -> "Versiunea 1.14"
        "Version": "Versiunea",
        "Weeks": "Săptămâni",
        "Welcome to": "Bun venit în",
        # "<table> with a matching <column>" ->
        # "<table> cu valoare corespunzătoare în câmpul <column>"
        "with a matching": "cu valoare corespunzătoare în câmpul",
    },
)
