"""Validation and load messages in German and English, by code.

A problem carries a code and parameters; the text is made when it is shown, in the language
of whoever reads it. Codes are stable (stored in `rejected_row.reason_code`).
"""

from __future__ import annotations

from pipelines import text

MESSAGES: dict[str, tuple[str, str]] = {
    # file-level
    "not_found": ("Datei nicht gefunden.", "File not found."),
    "empty_file": ("Die Datei ist leer.", "The file is empty."),
    "no_header": ("Die erste Zeile enthält keine Spaltenüberschriften.",
                  "The first line holds no column headers."),
    "unknown_format": ("Dateiformat {suffix} wird nicht unterstützt: bitte CSV, XLSX oder Parquet.",
                       "File format {suffix} is not supported: use CSV, XLSX or Parquet."),
    "unreadable": ("Die Datei kann nicht gelesen werden ({detail}).",
                   "The file cannot be read ({detail})."),
    "bad_row_shape": ("Die Zeile hat {found} Felder, die Kopfzeile aber {expected}. "
                      "Prüfen Sie Trennzeichen und Anführungszeichen in dieser Zeile.",
                      "The line has {found} fields but the header has {expected}. "
                      "Check delimiters and quotes on this line."),
    "no_such_sheet": ("Tabellenblatt »{sheet}« gibt es nicht (vorhanden: {sheets}).",
                      "There is no sheet '{sheet}' (present: {sheets})."),
    "identifier_column": ("Die Spalte sieht nach direkten Personendaten aus ({what}). Wirkungsmonitor "
                          "speichert nur Pseudonyme: bitte die Spalte aus der Datei entfernen.",
                          "The column looks like direct personal data ({what}). Wirkungsmonitor "
                          "stores pseudonyms only: remove the column from the file."),
    "unknown_kind": ("Unbekannte Dateiart: erwartet werden Teilnehmende (Teilnehmer-ID, Eintritt), "
                     "Episoden (Teilnehmer-ID, Status, Beginn), ein Tracking-Blatt (Teilnehmer-ID, "
                     "Eintritt und Spalten wie »Coaching ab«) oder Indikatoren. Gefundene Spalten: {headers}. "
                     "Andere Überschriften können mit --mapping zugeordnet werden.",
                     "Unknown kind of file: expected participants (participant id, entry date), "
                     "episodes (participant id, status, start), a tracking sheet (participant id, entry "
                     "date and columns like 'coaching from') or indicators. Columns found: {headers}. "
                     "Other headers can be mapped with --mapping."),
    "missing_column": ("Pflichtspalte »{field}« fehlt (erwartet z. B. »{example}«).",
                       "Required column '{field}' is missing (e.g. '{example}')."),
    "duplicate_column": ("Die Spalten »{first}« und »{second}« bedeuten beide »{field}«.",
                         "The columns '{first}' and '{second}' both mean '{field}'."),
    "no_program": ("Die Datei nennt kein Programm: Spalte »Programm« ergänzen oder --program ID angeben.",
                   "The file names no program: add a 'program' column or pass --program ID."),
    "unknown_program": ("Programm »{value}« ist unbekannt. Zuerst die Programmdatei (TOML) laden; "
                        "bekannt sind: {known}.",
                        "Program '{value}' is unknown. Load its program file (TOML) first; "
                        "known: {known}."),
    "bad_mapping": ("Zuordnungsdatei: {detail}", "Mapping file: {detail}"),
    "bad_toml": ("Die Programmdatei ist kein gültiges TOML: {detail}",
                 "The program file is not valid TOML: {detail}"),
    "bad_program": ("Programmdatei: {detail}", "Program file: {detail}"),
    "bad_target": ("Zielvereinbarung: {detail}", "Target: {detail}"),
    # row-level
    "missing_value": ("Pflichtfeld ist leer.", "Required field is empty."),
    "bad_date": ("'{value}' ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT).",
                 "'{value}' is not a valid date (DD.MM.YYYY or YYYY-MM-DD)."),
    "bad_value": ("'{value}' ist kein zulässiger Wert (erlaubt: {allowed}).",
                  "'{value}' is not an allowed value (allowed: {allowed})."),
    "bad_number": ("'{value}' ist keine ganze Zahl im Bereich {allowed}.",
                   "'{value}' is not a whole number in the range {allowed}."),
    "unknown_status": ("Unbekannter Status '{value}' (bekannt: {allowed}). Neue Status werden in der "
                       "Programmdatei mit ihrer Kategorie erklärt.",
                       "Unknown status '{value}' (known: {allowed}). New statuses are declared with "
                       "their category in the program file."),
    "end_before_start": ("Ende {value} liegt vor dem Beginn {other}.",
                         "End {value} is before the start {other}."),
    "exit_before_entry": ("Austritt {value} liegt vor dem Eintritt {other}.",
                          "Exit {value} is before the entry {other}."),
    "episode_before_entry": ("Beginn {value} liegt vor dem Eintritt {other}.",
                             "Start {value} is before the entry {other}."),
    "reason_without_exit": ("Austrittsgrund ohne Austrittsdatum.", "Exit reason without an exit date."),
    "duplicate_participant": ("Teilnehmer-ID '{value}' steht mehrfach in der Datei (Zeilen {other}).",
                              "Participant id '{value}' appears more than once in the file (lines {other})."),
    "duplicate_episode": ("Episode '{value}' steht mehrfach in der Datei (Zeilen {other}).",
                          "Episode '{value}' appears more than once in the file (lines {other})."),
    "unknown_participant": ("Teilnehmer-ID '{value}' ist im Programm {other} nicht bekannt: zuerst die "
                            "Teilnehmenden laden.",
                            "Participant id '{value}' is not known in program {other}: load the "
                            "participants first."),
    "row_in_bad_file": ("Zeile nicht geladen: die Datei hat Fehler.", "Row not loaded: the file has errors."),
}

COLUMN_WORD = {"de": "Spalte", "en": "column"}
LINE_WORD = {"de": "Zeile", "en": "line"}


def say(code: str, lang: str = "de", **params) -> str:
    """The message for `code` in `lang`, with parameters filled in (an unknown code reads as itself)."""
    if code not in MESSAGES:
        return code
    try:
        return text.pick(MESSAGES, code, lang, **params)
    except (KeyError, IndexError):   # a placeholder without a value: the template as it is
        return MESSAGES[code][0 if lang == "de" else 1]


def locate(file: str, line: int | None, column: str | None, lang: str = "de") -> str:
    """'daten.csv, Zeile 14, Spalte »Eintritt«' / 'data.csv, line 14, column 'Eintritt''."""
    parts = [file]
    if line is not None:
        parts.append(f"{LINE_WORD[lang]} {line}")
    if column:
        parts.append(f"{COLUMN_WORD[lang]} »{column}«" if lang == "de" else f"{COLUMN_WORD[lang]} '{column}'")
    return ", ".join(parts)
