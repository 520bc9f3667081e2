"""Words of reading and loading files, and the functions that put a load's codes into words.

Keys start with `ingest.`: `ingest.<problem code>` (the codes of `pipelines.ingest.problems`),
`ingest.program.<rule>` (what is wrong in a program file), `ingest.kind.*`, `ingest.outcome.*`,
`ingest.summary.*`, the words of a place in a file and of the rejects file's columns. The render
functions are used at the edges: the CLI, the Daten page and the rejects file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines import text

if TYPE_CHECKING:   # annotations only: importing pipelines.ingest here would be a cycle (it uses the catalog)
    from pipelines.ingest.problems import LoadResult, Problem

WORDS: dict[str, tuple[str, str]] = {
    # file-level
    "ingest.not_found": ("Datei nicht gefunden.", "File not found."),
    "ingest.empty_file": ("Die Datei ist leer.", "The file is empty."),
    "ingest.no_header": ("Die erste Zeile enthält keine Spaltenüberschriften.",
                         "The first line holds no column headers."),
    "ingest.unknown_format": ("Dateiformat {suffix} wird nicht unterstützt: bitte CSV, XLSX oder Parquet.",
                              "File format {suffix} is not supported: use CSV, XLSX or Parquet."),
    "ingest.unreadable": ("Die Datei kann nicht gelesen werden: sie ist beschädigt oder keine Tabelle. Bitte "
                          "im Tabellenprogramm öffnen und als XLSX oder CSV neu speichern.",
                          "The file cannot be read: it is damaged or not a table. Open it in a spreadsheet "
                          "program and save it again as XLSX or CSV."),
    "ingest.unreadable_csv": ("Die CSV-Datei kann ab dieser Zeile nicht gelesen werden. Prüfen Sie Trennzeichen "
                              "und Anführungszeichen, oder speichern Sie die Tabelle als XLSX.",
                              "The CSV file cannot be read from this line on. Check delimiters and quotes, or "
                              "save the table as XLSX."),
    "ingest.unreadable_parquet": ("Die Parquet-Datei kann nicht gelesen werden (beschädigt oder unvollständig).",
                                  "The Parquet file cannot be read (damaged or incomplete)."),
    "ingest.bad_row_shape": ("Die Zeile hat {found} Felder, die Kopfzeile aber {expected}. "
                             "Prüfen Sie Trennzeichen und Anführungszeichen in dieser Zeile.",
                             "The line has {found} fields but the header has {expected}. "
                             "Check delimiters and quotes on this line."),
    "ingest.rows_lost": ("Beim Lesen kamen {read} statt {lines} Datensätze an; ab dieser Zeile ginge etwas "
                         "verloren. Prüfen Sie Anführungszeichen und Zeilenumbrüche in dieser Zeile.",
                         "Reading gave {read} instead of {lines} records; from this line on something would "
                         "be lost. Check quotes and line breaks on this line."),
    "ingest.duplicate_header": ("Die Überschrift »{column}« steht zweimal in der Kopfzeile (Spalten {first_col} "
                                "und {second_col}): bitte eine der beiden umbenennen oder entfernen.",
                                "The header '{column}' appears twice in the header row (columns {first_col} and "
                                "{second_col}): rename or remove one of them."),
    "ingest.cell_without_header": ("In Spalte {column} stehen Werte, aber keine Überschrift: bitte eine "
                                   "Überschrift ergänzen oder die Werte löschen.",
                                   "Column {column} holds values but no header: add a header or delete the "
                                   "values."),
    # the guard (pipelines/ingest/limits.py, csvcheck.py, sheets.py): files refused before they are read
    "ingest.not_xlsx": ("Die Datei ist keine Excel-Arbeitsmappe (XLSX), obwohl sie so heißt.",
                        "The file is not an Excel workbook (XLSX), although it is named like one."),
    "ingest.corrupt_xlsx": ("Die Excel-Datei ist beschädigt: bitte in Excel öffnen und neu speichern.",
                            "The Excel file is damaged: open it in Excel and save it again."),
    "ingest.encrypted": ("Die Excel-Datei ist mit einem Kennwort geschützt: bitte ohne Kennwort speichern.",
                         "The Excel file is password-protected: save it without a password."),
    "ingest.zip_bomb": ("Die Excel-Datei entpackt sich auf ein Vielfaches ihrer Größe und wird nicht gelesen: "
                        "bitte in Excel öffnen und neu speichern.",
                        "The Excel file unpacks to many times its size and is not read: open it in Excel "
                        "and save it again."),
    "ingest.too_many_columns": ("Die Tabelle hat {columns} Spalten; erlaubt sind {limit}. Oft steht weit rechts "
                                "eine vergessene Zelle: bitte löschen.",
                                "The table has {columns} columns; the limit is {limit}. Often a forgotten cell "
                                "sits far to the right: delete it."),
    "ingest.too_many_rows": ("Die Tabelle hat {rows} Zeilen; erlaubt sind {limit}.",
                             "The table has {rows} rows; the limit is {limit}."),
    "ingest.too_many_cells": ("Die Tabelle umfasst {cells} Zellen; erlaubt sind {limit}. Oft steht weit rechts "
                              "oder unten eine vergessene Zelle: bitte löschen.",
                              "The table spans {cells} cells; the limit is {limit}. Often a forgotten cell "
                              "sits far to the right or below: delete it."),
    "ingest.too_large": ("Die Datei braucht beim Lesen mehr als {limit_mb} MB Speicher und wird nicht gelesen. "
                         "Oft steht weit rechts oder unten eine vergessene Zelle: bitte löschen.",
                         "Reading the file needs more than {limit_mb} MB of memory; it is not read. Often a "
                         "forgotten cell sits far to the right or below: delete it."),
    "ingest.too_slow": ("Das Lesen der Datei dauert länger als {seconds} s und wurde abgebrochen.",
                        "Reading the file takes longer than {seconds} s and was stopped."),
    "ingest.header_too_long": ("Die Überschrift ist {length} Zeichen lang; erlaubt sind {limit}.",
                               "The header is {length} characters long; the limit is {limit}."),
    "ingest.field_too_long": ("Ein Feld ist länger als {limit} Zeichen; oft fehlt ein schließendes "
                              "Anführungszeichen.",
                              "A field is longer than {limit} characters; often a closing quote is missing."),
    "ingest.unclosed_quote": ("Ein Anführungszeichen in dieser Zeile wird nicht passend geschlossen und fasst "
                              "{lines} Zeilen zu einem Feld zusammen. Bitte das Anführungszeichen entfernen "
                              "oder schließen.",
                              "A quote on this line is not closed where it should be and merges {lines} lines "
                              "into one field. Remove or close the quote."),
    "ingest.bad_quote": ("Nach einem schließenden Anführungszeichen folgt Text statt eines Trennzeichens.",
                         "A closing quote is followed by text instead of a delimiter."),
    "ingest.mixed_encoding": ("Die Datei mischt UTF-8 und Windows-1252 (erstes ungültiges Zeichen in dieser "
                              "Zeile): bitte einheitlich als UTF-8 speichern.",
                              "The file mixes UTF-8 and Windows-1252 (first invalid byte on this line): save "
                              "it as UTF-8 throughout."),
    "ingest.upload_too_large": ("Die Datei ist {size_mb} MB groß; hochgeladen werden können höchstens "
                                "{limit_mb} MB.",
                                "The file is {size_mb} MB; uploads are limited to {limit_mb} MB."),
    "ingest.no_such_sheet": ("Tabellenblatt »{sheet}« gibt es nicht (vorhanden: {sheets}).",
                             "There is no sheet '{sheet}' (present: {sheets})."),
    "ingest.identifier_column": ("Die Spalte sieht nach direkten Personendaten aus ({what}). Wirkungsmonitor "
                                 "speichert nur Pseudonyme: bitte die Spalte aus der Datei entfernen.",
                                 "The column looks like direct personal data ({what}). Wirkungsmonitor "
                                 "stores pseudonyms only: remove the column from the file."),
    "ingest.store_check": ("Die Datei wurde nicht geladen: danach wären die Daten nicht mehr stimmig "
                           "(Prüfungen: {checks}). Nichts wurde geändert; bitte der Betreuung melden.",
                           "The file was not loaded: the data would no longer be consistent afterwards "
                           "(checks: {checks}). Nothing was changed; please tell the maintainers."),
    "ingest.identifier_value": ("Der Wert sieht nach direkten Personendaten aus ({what}); er wird weder "
                                "gespeichert noch angezeigt. Wirkungsmonitor speichert nur Pseudonyme: bitte den "
                                "Wert in der Datei durch eine Fallnummer ersetzen oder entfernen.",
                                "The value looks like direct personal data ({what}); it is neither stored nor "
                                "shown. Wirkungsmonitor stores pseudonyms only: replace the value in the file by a "
                                "case number or remove it."),
    "ingest.unknown_kind": ("Unbekannte Dateiart: erwartet werden Teilnehmende (Teilnehmer-ID, Eintritt), "
                            "Episoden (Teilnehmer-ID, Status, Beginn), ein Tracking-Blatt (Teilnehmer-ID, "
                            "Eintritt und Spalten wie »Coaching ab«) oder Indikatoren. Gefundene Spalten: {headers}. "
                            "Andere Überschriften können in einer Spaltenzuordnung zugeordnet werden.",
                            "Unknown kind of file: expected participants (participant id, entry date), "
                            "episodes (participant id, status, start), a tracking sheet (participant id, entry "
                            "date and columns like 'coaching from') or indicators. Columns found: {headers}. "
                            "Other headers can be assigned in a column mapping."),
    "ingest.missing_column": ("Pflichtspalte »{field}« fehlt (erwartet z. B. »{example}«).",
                              "Required column '{field}' is missing (e.g. '{example}')."),
    "ingest.duplicate_column": ("Die Spalten »{first}« und »{second}« bedeuten beide »{field}«.",
                                "The columns '{first}' and '{second}' both mean '{field}'."),
    "ingest.no_program": ("Die Datei nennt kein Programm: bitte das Programm der Datei wählen oder eine Spalte "
                          "»Programm« ergänzen (bekannt: {known}).",
                          "The file names no program: choose the file's program or add a 'program' column "
                          "(known: {known})."),
    "ingest.no_program_inferred": ("Die Datei nennt kein Programm, und ihre Teilnehmer-IDs gehören nicht alle zu "
                                   "genau einem Programm ({unplaced} IDs in keinem). Bitte das Programm der Datei "
                                   "wählen; in Frage kommen: {candidates}.",
                                   "The file names no program, and its participant ids do not all belong to "
                                   "exactly one program ({unplaced} ids in none). Choose the file's program; "
                                   "candidates: {candidates}."),
    "ingest.status_column_unplaced": ("Die Spalte nennt einen Status, ist aber keiner Angabe zugeordnet und würde "
                                      "sonst übergangen. Bitte zuordnen – in der Spaltenzuordnung (Zeile unter "
                                      "[columns]): {mapping} – oder ausdrücklich nicht verwenden: {ignore}",
                                      "The column names a status but is assigned to nothing and would be passed "
                                      "over. Assign it – in the column mapping (a line under [columns]): "
                                      "{mapping} – or leave it out explicitly: {ignore}"),
    "ingest.end_without_start": ("Die Spalte gibt ein Ende an, aber zum Status fehlt die Spalte mit dem Beginn "
                                 "(in der Spaltenzuordnung: {mapping}).",
                                 "The column gives an end, but the status has no column with its start (in the "
                                 "column mapping: {mapping})."),
    "ingest.bad_mapping_file": ("Die Spaltenzuordnung ist keine gültige Zuordnungsdatei (TOML, UTF-8, Tabellen "
                                "[columns] und [values.…] mit Texten).",
                                "The column mapping is not a valid mapping file (TOML, UTF-8, tables [columns] "
                                "and [values.…] of texts)."),
    "ingest.unknown_program": ("Programm »{value}« ist unbekannt. Zuerst die Programmdatei (TOML) laden; "
                               "bekannt sind: {known}.",
                               "Program '{value}' is unknown. Load its program file (TOML) first; "
                               "known: {known}."),
    "ingest.bad_mapping": ("Zuordnungsdatei: {detail}", "Mapping file: {detail}"),
    "ingest.bad_toml": ("Die Programmdatei ist kein gültiges TOML: bitte diese Zeile prüfen (Anführungszeichen, "
                        "Klammern, »=« zwischen Schlüssel und Wert).",
                        "The program file is not valid TOML: check this line (quotes, brackets, '=' between "
                        "key and value)."),
    "ingest.bad_program": ("Programmdatei: {detail}", "Program file: {detail}"),
    "ingest.bad_target": ("Zielvereinbarung: {detail}", "Target: {detail}"),
    # row-level
    "ingest.missing_value": ("Pflichtfeld ist leer.", "Required field is empty."),
    "ingest.bad_date": ("'{value}' ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT).",
                        "'{value}' is not a valid date (DD.MM.YYYY or YYYY-MM-DD)."),
    "ingest.bad_value": ("'{value}' ist kein zulässiger Wert (erlaubt: {allowed}).",
                         "'{value}' is not an allowed value (allowed: {allowed})."),
    "ingest.bad_number": ("'{value}' ist keine ganze Zahl im Bereich {allowed}.",
                          "'{value}' is not a whole number in the range {allowed}."),
    "ingest.unknown_status": ("Unbekannter Status '{value}' (bekannt: {allowed}). Neue Status werden in der "
                              "Programmdatei mit ihrer Kategorie erklärt.",
                              "Unknown status '{value}' (known: {allowed}). New statuses are declared with "
                              "their category in the program file."),
    "ingest.end_before_start": ("Ende {value} liegt vor dem Beginn {other}.",
                                "End {value} is before the start {other}."),
    "ingest.exit_before_entry": ("Austritt {value} liegt vor dem Eintritt {other}.",
                                 "Exit {value} is before the entry {other}."),
    "ingest.episode_before_entry": ("Beginn {value} liegt vor dem Eintritt {other}.",
                                    "Start {value} is before the entry {other}."),
    "ingest.reason_without_exit": ("Austrittsgrund ohne Austrittsdatum.", "Exit reason without an exit date."),
    "ingest.duplicate_participant": ("Teilnehmer-ID '{value}' steht mehrfach in der Datei (Zeilen {other}).",
                                     "Participant id '{value}' appears more than once in the file (lines {other})."),
    "ingest.duplicate_episode": ("Episode '{value}' steht mehrfach in der Datei (Zeilen {other}).",
                                 "Episode '{value}' appears more than once in the file (lines {other})."),
    "ingest.unknown_participant": ("Teilnehmer-ID '{value}' ist im Programm {other} nicht bekannt: zuerst die "
                                   "Teilnehmenden laden.",
                                   "Participant id '{value}' is not known in program {other}: load the "
                                   "participants first."),
    "ingest.row_in_bad_file": ("Zeile nicht geladen: die Datei hat Fehler.", "Row not loaded: the file has errors."),
    # what is wrong in a program file (code bad_program, parameter `rule`)
    "ingest.program.no_table": ("Tabelle [program] fehlt.", "Table [program] is missing."),
    "ingest.program.missing_key": ("[program] braucht den Schlüssel »{key}«.", "[program] needs the key '{key}'."),
    "ingest.program.slug": ("Programm-ID »{value}« ist ungültig: nur Kleinbuchstaben, Ziffern und Bindestriche.",
                            "Program id '{value}' is invalid: lower-case letters, digits and dashes only."),
    "ingest.program.date": ("»{key}« muss ein Datum sein (z. B. 2018-01-01), nicht »{value}«.",
                            "'{key}' must be a date (e.g. 2018-01-01), not '{value}'."),
    "ingest.program.order": ("Das Programmende {end} liegt vor dem Beginn {start}.",
                             "The program end {end} is before its start {start}."),
    "ingest.program.unknown_key": ("Unbekannter Schlüssel »{key}« in [{table}].", "Unknown key '{key}' in [{table}]."),
    "ingest.program.status_name": ("[[status]] »{value}«: Name nur aus Kleinbuchstaben, Ziffern und _ .",
                                   "[[status]] '{value}': name of lower-case letters, digits and _ only."),
    "ingest.program.status_category": ("[[status]] »{value}«: category muss »support« oder »outcome« sein.",
                                       "[[status]] '{value}': category must be 'support' or 'outcome'."),
    "ingest.program.encoding": ("Die Programmdatei ist nicht in UTF-8 gespeichert.",
                                "The program file is not saved as UTF-8."),
    "ingest.program.type": ("»{key}« muss {expected} sein, nicht »{value}«.", "'{key}' must be {expected}, not '{value}'."),
    "ingest.program.target_taken": ("Die Ziel-ID »{value}« gehört schon zum Programm {other}: bitte eine eigene "
                                    "ID wählen.",
                                    "The target id '{value}' belongs to program {other} already: choose an id of "
                                    "its own."),
    "ingest.program.status_in_use": ("Der eigene Status »{value}« fehlt in der Datei, aber {count} Episoden des "
                                     "Programms haben ihn: bitte den [[status]]-Eintrag behalten oder diese "
                                     "Episoden zuerst berichtigen.",
                                     "The program's own status '{value}' is missing from the file, but {count} "
                                     "episodes of the program have it: keep its [[status]] entry, or correct "
                                     "those episodes first."),
    "ingest.expected.text": ("ein Text in Anführungszeichen", "a text in quotes"),
    "ingest.expected.texts": ("ein Text oder eine Liste von Texten", "a text or a list of texts"),
    "ingest.expected.bool": ("true oder false", "true or false"),
    "ingest.expected.tables": ("eine Liste von [[status]]-Tabellen", "a list of [[status]] tables"),
    "ingest.program.builtin": ("[[status]] »{value}« ist schon ein eingebauter Status.",
                               "[[status]] '{value}' is a built-in status already."),
    # the range a number must lie in (code bad_number, parameter `range`)
    "ingest.range.qualification_level": ("0–8", "0–8"),
    "ingest.range.birth_year": ("1900–heute", "1900–today"),
    # a place in a file; the columns of a problems table and of the rejects file
    "ingest.place.line": ("Zeile {line}", "line {line}"),
    "ingest.place.column": ("Spalte »{column}«", "column '{column}'"),
    "ingest.line": ("Zeile", "line"),
    "ingest.column": ("Spalte", "column"),
    "ingest.value": ("Wert", "value"),
    "ingest.reason": ("Grund", "reason"),
    # kinds of file (also the load log's kinds) and outcomes of a load
    "ingest.kind.program": ("Programmdatei", "program file"),
    "ingest.kind.participants": ("Teilnehmende", "participants"),
    "ingest.kind.episodes": ("Episoden", "episodes"),
    "ingest.kind.tracking": ("Tracking-Blatt", "tracking sheet"),
    "ingest.kind.indicators": ("Indikatoren", "indicators"),
    "ingest.kind.target_edit": ("Zieländerung", "target edit"),
    "ingest.kind.unknown": ("unbekannt", "unknown"),
    "ingest.outcome.loaded": ("geladen", "loaded"),
    "ingest.outcome.skipped": ("übersprungen", "skipped"),
    "ingest.outcome.failed": ("nicht geladen", "not loaded"),
    # the one line after a load
    "ingest.summary": ("{file} [{kind}]: {outcome} – gelesen {read}, geladen {loaded}, abgewiesen {rejected}",
                       "{file} [{kind}]: {outcome} – read {read}, loaded {loaded}, rejected {rejected}"),
    "ingest.summary.loaded": ("geladen", "loaded"),
    "ingest.summary.skipped": ("übersprungen (bereits geladen, keine Änderung)",
                               "skipped (loaded before, nothing changed)"),
    "ingest.summary.failed": ("NICHT geladen", "NOT loaded"),
    # what the summary says about the file as read (LoadResult.details)
    "ingest.detail.sheet": ("Tabellenblatt »{sheet}« ({why})", "sheet '{sheet}' ({why})"),
    "ingest.detail.sheet.named": ("gewählt", "chosen"),
    "ingest.detail.sheet.only": ("das einzige", "the only one"),
    "ingest.detail.sheet.most_known_headers": ("das mit den Teilnehmerdaten", "the one with participant data"),
    "ingest.detail.sheet.first": ("das erste", "the first"),
    "ingest.detail.header_row": ("Kopfzeile: Zeile {row}", "header row: line {row}"),
    "ingest.detail.skipped": ("übersprungen: {blank} Leerzeilen, {total} Summenzeilen",
                              "skipped: {blank} blank rows, {total} totals rows"),
    "ingest.detail.program_inferred": ("Programm aus den Teilnehmer-IDs: {program}",
                                       "program taken from the participant ids: {program}"),
    "ingest.detail.encoding": ("Zeichensatz {encoding}, Trennzeichen {delimiter}",
                               "encoding {encoding}, delimiter {delimiter}"),
    "ingest.detail.columns": ("Spalten:", "columns:"),
    "ingest.detail.column": ("»{column}« → {field}", "'{column}' → {field}"),
    "ingest.not_used": ("nicht verwendet", "not used"),
    # the fields a column can feed (labels not in pipelines/text/common.py's field.*)
    "ingest.field.participant_id": ("Teilnehmer-ID", "participant id"),
    "ingest.field.program_id": ("Programm", "program"),
    "ingest.field.entry_date": ("Eintritt", "entry date"),
    "ingest.field.exit_date": ("Austritt", "exit date"),
    "ingest.field.status": ("Status", "status"),
    "ingest.field.start_date": ("Beginn", "start"),
    "ingest.field.end_date": ("Ende", "end"),
    "ingest.role.start": ("{status} ab", "{status} from"),
    "ingest.role.end": ("{status} bis", "{status} until"),
    "ingest.role.on": ("{status} am", "{status} on"),
    # notes of a load (LoadResult.notes)
    "ingest.note.special_categories_off": ("Herkunftsregion nicht gespeichert (im Programm abgeschaltet).",
                                           "Origin region not stored (switched off for the program)."),
}


def problem_message(problem: Problem, lang: str = "de") -> str:
    """The message of a problem in `lang`, its parameters filled in.

    An unknown code reads as itself; a placeholder without a value leaves the template as it is.
    """
    if problem.text is not None:       # indicator files bring their own message
        return problem.text
    key = f"ingest.{problem.code}"
    if key not in WORDS:
        return problem.code
    values = {"value": problem.value, **problem.params}
    # counts as the language writes them (1.234 in German); years, lines and columns stay as they are
    values = {k: text.number(v, lang) if k == "count" else v for k, v in values.items()}
    if "want" in values:               # what a program file's key must hold
        values["expected"] = text.say(f"ingest.expected.{values.pop('want')}", lang)
    if "rule" in values:               # a program file: the rule's own sentence is the detail
        values["detail"] = text.say(f"ingest.program.{values.pop('rule')}", lang, **values)
    if "range" in values:
        values["allowed"] = text.say(f"ingest.range.{values.pop('range')}", lang)
    try:
        return text.say(key, lang, **values)
    except (KeyError, IndexError):
        return WORDS[key][0 if text.check_lang(lang) == "de" else 1]


def field_label(target: str | None, lang: str = "de") -> str:
    """The words for what a column feeds: 'entry_date' -> 'Eintritt', 'training.start' -> 'Ausbildung ab',
    None -> 'nicht verwendet'."""
    if not target or target == "-":
        return text.say("ingest.not_used", lang)
    if "." in target:
        status, role = target.split(".", 1)
        label = text.say(f"status.{status}", lang) if f"status.{status}" in text.CATALOG else status
        return text.say(f"ingest.role.{role}", lang, status=label) if f"ingest.role.{role}" in WORDS else target
    for key in (f"field.{target}", f"ingest.field.{target}"):
        if key in text.CATALOG:
            return text.say(key, lang)
    return target


def load_details(result: LoadResult, lang: str = "de") -> list[str]:
    """The lines under a load's summary: the sheet and header row taken, the rows skipped, the program
    inferred, and every column of the file with the field it feeds (or 'nicht verwendet')."""
    d = result.details
    lines = []
    if d.get("sheet"):
        why = text.say(f"ingest.detail.sheet.{d.get('sheet_reason') or 'named'}", lang)
        lines.append(text.say("ingest.detail.sheet", lang, sheet=d["sheet"], why=why))
    if d.get("encoding"):
        shown = {"\t": "Tab", ";": ";", ",": ","}.get(d.get("delimiter"), d.get("delimiter"))
        lines.append(text.say("ingest.detail.encoding", lang, encoding=d["encoding"], delimiter=shown))
    if d.get("header_row"):
        lines.append(text.say("ingest.detail.header_row", lang, row=d["header_row"]))
    if d.get("blank_rows") or d.get("total_rows"):
        lines.append(text.say("ingest.detail.skipped", lang, blank=d.get("blank_rows", 0),
                              total=d.get("total_rows", 0)))
    if d.get("program_inferred"):
        lines.append(text.say("ingest.detail.program_inferred", lang, program=d["program_inferred"]))
    if d.get("columns"):
        lines.append(text.say("ingest.detail.columns", lang))
        lines += ["  " + text.say("ingest.detail.column", lang, column=c["column"], field=field_label(c["field"], lang))
                  for c in d["columns"]]
    return lines


def location(file: str, line: int | None, column: str | None, lang: str = "de") -> str:
    """'daten.csv, Zeile 14, Spalte »Eintritt«' / 'data.csv, line 14, column 'Eintritt''."""
    parts = [file]
    if line is not None:
        parts.append(text.say("ingest.place.line", lang, line=line))
    if column:
        parts.append(text.say("ingest.place.column", lang, column=column))
    return ", ".join(parts)


def located_message(problem: Problem, lang: str = "de") -> str:
    """'tn.csv, Zeile 4, Spalte »Eintritt«: '31.02.2019' ist kein gültiges Datum …'."""
    return f"{location(problem.file, problem.line, problem.column, lang)}: {problem_message(problem, lang)}"


def problem_record(problem: Problem, lang: str = "de") -> dict:
    """A problem as a JSON-ready dict: file, line, column, value, code and message."""
    return {"file": problem.file, "line": problem.line, "column": problem.column, "value": problem.value,
            "code": problem.code, "message": problem_message(problem, lang)}


def load_summary(result: LoadResult, lang: str = "de") -> str:
    """One line a person reads after a load: file, kind, outcome and the counts."""
    kind_key = f"ingest.kind.{result.kind or 'unknown'}"
    kind = text.say(kind_key, lang) if kind_key in WORDS else result.kind
    line = text.say("ingest.summary", lang, file=result.file, kind=kind,
                    outcome=text.say(f"ingest.summary.{result.outcome}", lang),
                    read=result.rows_read, loaded=result.rows_loaded, rejected=result.rows_rejected)
    if result.programs:
        shown = result.programs[:4] + (["…"] if len(result.programs) > 4 else [])
        line += f" ({', '.join(shown)})"
    return line
