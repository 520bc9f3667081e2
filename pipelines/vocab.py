"""The vocabulary of the data model: statuses, exit reasons, genders, CEFR, age bands, and every
accepted spelling of headers, field names and cell values (German and English). One home each.

Words shown to people (labels) live in `pipelines.text`; this module holds codes and the
spellings that are *accepted* in files, mappings and filters.
"""

from __future__ import annotations

import re
import unicodedata

# --------------------------------------------------------------------------- codes of the data model

# Built-in statuses (DESIGN.md, "episode") and their category. Programs may add statuses.
STATUSES: dict[str, str] = {
    "coaching": "support", "mentoring": "support", "language_course": "support", "internship": "support",
    "training": "outcome", "employment": "outcome", "qualification": "outcome", "education": "outcome",
}
CATEGORIES = ("support", "outcome")
ONE_DAY_STATUSES = frozenset({"qualification"})   # an event: stored as [day, day + 1)
EXIT_REASONS = ("completed", "dropped_out", "moved", "other")
GENDERS = ("female", "male", "diverse")
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
AGE_BANDS = ("<25", "25-34", "35-44", "45-54", "55+")
ISCED_LEVELS = tuple(range(0, 9))
# broad bands (the report's ISCED table, the comparison's adjustment for the participant mix):
# CEFR's basic / independent / proficient user, ISCED low (0–2) / medium (3–4) / high (5–8)
CEFR_BANDS = (("A", "A1", "A2"), ("B", "B1", "B2"), ("C", "C1", "C2"))
ISCED_GROUPS = (("0-2", 0, 2), ("3-4", 3, 4), ("5-8", 5, 8))

# --------------------------------------------------------------------------- normalising

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).replace("\ufeff", "").strip().lower()
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def header_key(header: str) -> str:
    """Normalise a header or field name for lookup: 'Beschäftigung ab' -> 'beschaeftigungab'."""
    return re.sub(r"[^a-z0-9]", "", _fold(header))


def slug(text: str, fallback: str = "x", sep: str = "_") -> str:
    """An id from a free text: slug('Landkreis (Sitz)') -> 'landkreis_sitz'; sep='-' for program ids."""
    return re.sub(r"[^a-z0-9]+", sep, _fold(text)).strip(sep) or fallback


# --------------------------------------------------------------------------- cell values

# Accepted cell values (compared lower-case, trimmed) per canonical value.
VALUE_ALIASES: dict[str, dict[str, list[str]]] = {
    "exit_reason": {
        "completed": ["abgeschlossen", "regulär beendet", "regulär", "regulaer", "beendet", "abschluss",
                      "erfolgreich beendet", "erfolgreich abgeschlossen", "erfolgreich", "planmäßig beendet",
                      "planmäßig", "regulär abgeschlossen", "maßnahme beendet", "ende der maßnahme",
                      "completed", "finished", "successfully completed"],
        "dropped_out": ["abgebrochen", "abbruch", "vorzeitig beendet", "vorzeitig ausgeschieden", "ausgeschieden",
                        "abbruch durch teilnehmerin", "kein interesse mehr", "dropped out", "dropped_out",
                        "dropout"],
        "moved": ["verzogen", "umzug", "umgezogen", "weggezogen", "wegzug", "moved"],
        "other": ["sonstiges", "sonstige", "sonstiger grund", "anderer grund", "andere", "anderes", "other"],
    },
    "gender": {
        "female": ["weiblich", "w", "f", "frau", "frauen", "female", "woman"],
        "male": ["männlich", "maennlich", "m", "mann", "male", "man"],
        "diverse": ["divers", "d", "x", "diverse", "non-binary"],
    },
    "yes_no": {
        "yes": ["ja", "j", "x", "1", "wahr", "true", "yes", "y"],
        "no": ["nein", "n", "0", "falsch", "false", "no", "-"],
    },
    "age_band": {
        "<25": ["unter 25", "u25", "under 25"],
        "55+": ["55 und älter", "ab 55", "55 and over"],
    },
}


def canonical_value(field: str, text: str) -> str | None:
    """The canonical value a cell or filter value stands for: ('gender', 'W') -> 'female'; None if unknown."""
    key = str(text).strip().lower()
    for canonical, aliases in VALUE_ALIASES.get(field, {}).items():
        if key == canonical.lower() or key in aliases:
            return canonical
    return None


# --------------------------------------------------------------------------- headers of participant files
# Canonical field -> accepted headers (compared by header_key: case, spaces, dashes, umlauts ignored).

FIELD_ALIASES: dict[str, list[str]] = {
    "participant_id": ["Teilnehmer-ID", "Teilnehmerin-ID", "Teilnehmende-ID", "TN-ID", "TN-Nr", "TN",
                       "Teilnehmernummer", "Teilnehmerinnennummer", "TN-Nummer", "TN-Kennung", "TN-Code", "Teilnehmer-Nr",
                       "Teilnehmerin-Nr", "Teilnehmerinnen-Nr", "Teilnehmerinnen-ID", "Fallnummer", "Fall-Nr",
                       "Fall-ID", "Fallkennung", "Kennung", "Kennnummer", "Pseudonym", "ID",
                       "participant_id", "participant", "participant id", "case id", "case number"],
    "program_id": ["Programm", "Programm-ID", "Projekt", "Projekt-ID", "program", "program_id",
                   "programme", "project"],
    "site": ["Standort", "Einsatzort", "Ort der Maßnahme", "Beratungsstelle", "site", "location"],
    "cohort": ["Kohorte", "Kurs", "Kurs-Nr", "Kursnummer", "Durchgang", "Gruppe", "cohort",
               "course"],
    "entry_date": ["Eintritt", "Eintrittsdatum", "Eintritt am", "Eintritt ins Projekt", "Projekteintritt",
                   "Programmeintritt", "Datum Eintritt", "Aufnahme", "Aufnahmedatum", "Aufnahme am",
                   "Teilnahme seit", "Teilnahmebeginn", "Beginn der Teilnahme", "Beginn Teilnahme",
                   "entry", "entry_date", "entry date", "date of entry"],
    "exit_date": ["Austritt", "Austrittsdatum", "Austritt am", "Austritt aus dem Projekt", "Projektaustritt",
                  "Programmaustritt", "Datum Austritt", "Teilnahmeende", "Ende der Teilnahme", "Ende Teilnahme",
                  "Ausgeschieden am", "exit", "exit_date", "exit date",
                  "date of exit"],
    "exit_reason": ["Austrittsgrund", "Grund des Austritts", "Grund Austritt", "Austrittgrund", "Grund",
                    "Beendigungsgrund", "Grund der Beendigung", "exit_reason", "exit reason"],
    "gender": ["Geschlecht", "gender", "sex"],
    "birth_year": ["Geburtsjahr", "Jahrgang", "birth_year", "birth year", "year of birth"],
    "origin_region": ["Herkunftsregion", "Herkunft", "Herkunftsland", "origin_region", "origin",
                      "region of origin", "country of origin"],
    "qualification_level": ["ISCED", "ISCED-Niveau", "Qualifikationsniveau", "Bildungsniveau",
                            "qualification_level", "qualification level", "education level"],
    "german_level": ["Deutschniveau", "Sprachniveau", "Sprachniveau Deutsch", "Deutschkenntnisse",
                     "GER-Niveau", "german_level", "german level", "CEFR"],
    "coach_id": ["Coach", "Coachin", "Coach-ID", "coach_id", "coach id"],
    "mentor_id": ["Mentorin", "Mentor", "Mentor-ID", "Mentorin-ID", "mentor_id", "mentor id"],
    # long episodes
    "status": ["Status", "Maßnahme", "Art", "status", "episode status"],
    "start_date": ["Beginn", "Start", "von", "ab", "Startdatum", "start_date", "start date", "from"],
    "end_date": ["Ende", "bis", "Enddatum", "end_date", "end date", "until", "to"],
}

# Status -> words that name it in a header or a Status cell (built-in vocabulary).
STATUS_ALIASES: dict[str, list[str]] = {
    "coaching": ["Coaching"],
    "mentoring": ["Mentoring", "Tandem"],
    "language_course": ["Sprachkurs", "Deutschkurs", "Integrationskurs", "language course", "language_course"],
    "internship": ["Praktikum", "internship"],
    "training": ["Ausbildung", "Berufsausbildung", "in Ausbildung", "Ausbildungsplatz", "training",
                 "vocational training"],
    "employment": ["Beschäftigung", "SV-Beschäftigung", "sv-pflichtige Beschäftigung",
                   "sozialversicherungspflichtige Beschäftigung", "beschäftigt", "sv-pflichtig beschäftigt",
                   "sozialversicherungspflichtig beschäftigt", "Arbeit", "Arbeitsaufnahme", "Erwerbstätigkeit",
                   "erwerbstätig", "Arbeitsvertrag", "employment", "employed", "job"],
    "qualification": ["Qualifikation", "Abschluss", "qualification"],
    "education": ["Schule/Studium", "Schule", "Studium", "Bildung", "education"],
}

START_WORDS = ["ab", "von", "seit", "beginn", "beginnab", "start", "startam", "beginnam", "anfang", "aufnahme",
               "from", "since", "startdate", "begin"]
END_WORDS = ["bis", "ende", "endeam", "end", "until", "enddate", "to"]

_LINKS = ("der", "des", "dem", "einer", "eines", "in", "im")   # "Ende der Ausbildung", "Beginn im Coaching"


def split_status_header(key: str, status_keys) -> tuple[str, str] | None:
    """A status date column's header key split into (status word key, role):
    'ausbildungsbeginn' -> ('ausbildung', 'start'), 'endederausbildung' -> ('ausbildung', 'end').

    Args:
        key: header_key of the header.
        status_keys: the header keys of every word naming a status (a set or dict).
    """
    for role, suffixes in (("start", START_WORDS), ("end", END_WORDS), ("on", ON_WORDS)):
        for word in suffixes:
            rests = []
            if key.endswith(word):
                rest = key[: -len(word)]
                rests += [rest, rest[:-1] if rest.endswith("s") else rest]   # Fugen-s: Ausbildungs|beginn
            if key.startswith(word):
                rest = key[len(word):]
                rests += [rest, *(rest[len(link):] for link in _LINKS if rest.startswith(link))]
            for rest in rests:
                if rest and rest in status_keys:
                    return rest, role
    return None


# Words that make a header a status column (DESIGN.md "every column accounted for"): a header holding
# one of them (or a program's own status) that cannot be placed refuses the load.
STATUS_HEADER_WORDS: dict[str, str] = {
    "ausbildung": "training", "beschaeftigung": "employment", "beschaeftigt": "employment",
    "coaching": "coaching", "mentoring": "mentoring", "praktikum": "internship",
    "sprachkurs": "language_course", "qualifikation": "qualification", "studium": "education",
    "schule": "education",
}

# A cell holding one of these words marks a totals row: skipped and counted, never a participant.
TOTAL_WORDS = ("summe", "gesamt", "insgesamt", "gesamtsumme", "summe gesamt", "total", "sum", "zwischensumme")
ON_WORDS = ["am", "on", "date", "datum"]        # one-day events: "Qualifikation am"

# Headers that look like direct identifiers: refused, the store holds pseudonyms only. A header is
# split into words (case, umlauts, punctuation ignored: "Geb.-Datum" -> geb, datum); a word that is,
# starts with or ends with one of these stems names a direct identifier.
IDENTIFIER_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    # kind: {"is": whole words, "starts": word beginnings, "ends": word endings}
    "Name": {"is": ("name", "namen", "vorname", "nachname", "familienname", "zuname", "geburtsname",
                    "rufname", "vollername", "firstname", "lastname", "surname", "fullname", "givenname",
                    "vorundzuname", "vorundnachname", "nom", "prenom"),
             "starts": ("vorname", "nachname", "familienname", "zuname"),
             "ends": ("name", "namen")},
    "Geburtsdatum": {"is": ("geb", "dob", "birthdate", "dateofbirth", "birthday", "geburtstag", "geburtsort"),
                     "starts": ("geburtsdatum", "geburtstag", "geburtsort", "geburtsname", "gebdatum", "gebdat",
                                "dateofbirth", "birthdate"),
                     "ends": ()},
    "Adresse": {"is": ("adresse", "anschrift", "address", "strasse", "str", "street", "hausnummer", "hausnr",
                       "plz", "postleitzahl", "wohnort", "zip", "zipcode", "postcode", "postalcode"),
                "starts": ("adresse", "anschrift", "strasse", "wohnanschrift", "meldeadresse", "postleitzahl",
                           "hausnummer", "wohnort"),
                "ends": ("adresse", "anschrift", "strasse")},
    "Telefon": {"is": ("telefon", "tel", "telnr", "rufnummer", "handy", "mobil", "mobilnummer", "mobiltelefon",
                       "phone", "mobile", "fax", "telefax", "festnetz", "whatsapp"),
                "starts": ("telefon", "rufnummer", "handynummer", "mobilnummer", "mobiltelefon", "phone",
                           "faxnummer"),
                "ends": ("telefon", "rufnummer", "handynummer", "mobilnummer", "telefonnummer")},
    "E-Mail": {"is": ("email", "mail", "emailadresse", "mailadresse", "mailaddress", "emailaddress"),
               "starts": ("email", "mailadresse"),
               "ends": ("email", "mailadresse")},
    "Ausweis/Steuer/Versicherung/Konto": {
        "is": ("iban", "bic", "kontonummer", "steuerid", "steuernummer", "steueridentifikationsnummer",
               "svnummer", "rvnummer", "kvnummer", "versichertennummer", "sozialversicherungsnummer",
               "rentenversicherungsnummer", "krankenversicherungsnummer", "ausweisnummer", "passnummer",
               "personalausweisnummer", "reisepassnummer", "passportnumber", "ssn", "taxid"),
        "starts": ("steuerid", "steuernummer", "steueridentifikation", "sozialversicherung",
                   "krankenversicherung", "rentenversicherung", "versichertennummer", "personalausweis",
                   "reisepass", "ausweisnummer", "passnummer", "iban"),
        "ends": ("iban", "versicherungsnummer", "ausweisnummer", "passnummer", "steuernummer")},
}
# Word pairs that name an identifier only together ("E-Mail", "SV-Nummer", "Tel. Nr.").
IDENTIFIER_PAIRS: dict[tuple[str, str], str] = {
    ("e", "mail"): "E-Mail", ("sv", "nummer"): "Ausweis/Steuer/Versicherung/Konto",
    ("sv", "nr"): "Ausweis/Steuer/Versicherung/Konto", ("kv", "nummer"): "Ausweis/Steuer/Versicherung/Konto",
    ("steuer", "id"): "Ausweis/Steuer/Versicherung/Konto", ("tel", "nr"): "Telefon",
    ("geb", "datum"): "Geburtsdatum", ("geburts", "datum"): "Geburtsdatum", ("street", "address"): "Adresse",
}
# Words ending in "name" that name a program, a site or a course, not a person.
NOT_IDENTIFIERS = frozenset({
    "programmname", "projektname", "programname", "projectname", "standortname", "sitename", "kursname",
    "kohortenname", "coursename", "indikatorname", "indicatorname", "dateiname", "filename", "blattname",
    "sheetname", "massnahmenname", "traegername", "organisationsname", "fondsname", "statusname",
    "geburtsjahr", "geburtsjahrgang",
})


def header_words(header: str) -> list[str]:
    """The words of a header, folded: 'Name, Vorname' -> ['name', 'vorname']."""
    return [w for w in re.split(r"[^a-z0-9]+", _fold(header)) if w]


def identifier_kind(header: str) -> str | None:
    """The kind of direct identifier a header names ('Vor- und Zuname' -> 'Name'), else None."""
    words = header_words(header)
    joined = "".join(words)
    candidates = [*words, joined] if len(words) > 1 else words
    for word in candidates:
        if word in NOT_IDENTIFIERS:
            continue
        for kind, rule in IDENTIFIER_WORDS.items():
            if word in rule["is"] or word.startswith(rule["starts"] or ("\0",)) \
                    or (rule["ends"] and word.endswith(rule["ends"]) and word not in NOT_IDENTIFIERS):
                return kind
    for pair in zip(words, words[1:]):
        if pair in IDENTIFIER_PAIRS:
            return IDENTIFIER_PAIRS[pair]
    return None


# Cell values that are plainly identifiers, whatever the column (checked in SQL by ingest.rules).
IDENTIFIER_VALUE_PATTERNS: dict[str, str] = {
    "E-Mail": r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}",
    # +49 561 1234567, 0049…, 0561/1234567, (0561) 12 34 56, 0151-12345678: a separator or an
    # international prefix, and 9 to 15 digits (checked beside the pattern)
    "Telefon": r"(\+|00)[1-9][0-9 ()/.\-]{7,20}|0[1-9][0-9]{1,5}[ /.\-]+[0-9][0-9 .\-]{3,}|\(0[1-9][0-9]{1,5}\) ?[0-9][0-9 .\-]{3,}",
    "IBAN": r"[A-Z]{2}[0-9]{2} ?([A-Z0-9]{4} ?){2,7}[A-Z0-9]{1,4}",
}


# --------------------------------------------------------------------------- field names in filters
# Accepted spellings of field names in scopes and comparison groups (normalised by header_key).
SCOPE_FIELD_ALIASES: dict[str, str] = {
    "program": "program_id", "programm": "program_id", "programid": "program_id",
    "projekt": "program_id",
    "standort": "site", "ort": "site",
    "kohorte": "cohort", "kurs": "cohort",
    "geschlecht": "gender",
    "herkunft": "origin_region", "herkunftsregion": "origin_region", "origin": "origin_region",
    "coach": "coach_id", "mentor": "mentor_id", "mentorin": "mentor_id",
    "austrittsgrund": "exit_reason",
    "deutschniveau": "german_level", "deutsch": "german_level", "sprachniveau": "german_level",
    "german": "german_level", "cefr": "german_level",
    "qualifikation": "qualification_level", "qualifikationsniveau": "qualification_level",
    "isced": "qualification_level", "qualification": "qualification_level",
    "geburtsjahr": "birth_year",
    "eintrittsjahr": "entry_year", "austrittsjahr": "exit_year",
    "alter": "age", "altersgruppe": "age_band", "altersband": "age_band",
    "eintritt": "entry_date", "eintrittsdatum": "entry_date", "entry": "entry_date",
    "austritt": "exit_date", "austrittsdatum": "exit_date", "exit": "exit_date",
    "eintrittvon": "entry_from", "eintrittbis": "entry_to",
    "austrittvon": "exit_from", "austrittbis": "exit_to",
}

# field names as offered to German users in comparison groups ("standort=Köln")
GERMAN_FIELD_NAMES: dict[str, str] = {
    "program_id": "programm", "site": "standort", "cohort": "kohorte", "gender": "geschlecht",
    "origin_region": "herkunft", "coach_id": "coach", "mentor_id": "mentor",
    "exit_reason": "austrittsgrund", "german_level": "deutschniveau",
    "qualification_level": "qualifikation", "birth_year": "geburtsjahr",
    "entry_year": "eintrittsjahr", "exit_year": "austrittsjahr", "age": "alter",
    "age_band": "altersgruppe", "entry_date": "eintritt", "exit_date": "austritt",
}


# --------------------------------------------------------------------------- aggregate indicators
# Generic format: canonical field -> accepted headers (compared by `header_key`). The first alias
# is the one shown in messages.
GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "programme": ("Programm", "Programm-ID", "Programmnummer", "Programmcode", "Operationelles Programm",
                "OP", "CCI", "Vorhaben", "Vorhaben-ID", "Projekt-ID", "program", "program_id",
                "programme", "programme_id", "programme code", "operation", "operation_id",
                "project_id"),
    "title": ("Titel", "Programmtitel", "Programmname", "Programmbezeichnung", "Projekttitel",
              "title", "programme title", "program title", "programme name", "program name"),
    "fund": ("Fonds", "Förderfonds", "Fondsart", "fund"),
    "indicator_type": ("Indikatortyp", "Indikatorart", "Typ", "indicator_type", "indicator type",
                       "type"),
    "indicator": ("Indikator", "Code", "Indikatorcode", "Indikator-ID", "Indikatornummer",
                  "Kennziffer", "indicator", "indicator_code", "indicator id", "ind_code"),
    "indicator_name": ("Indikatorname", "Bezeichnung", "Indikatorbezeichnung", "Beschreibung",
                       "Kurzbezeichnung", "indicator_name", "indicator label", "description",
                       "label"),
    "year": ("Jahr", "Berichtsjahr", "year", "reporting year", "report year"),
    "report_date": ("Stichtag", "Berichtsstichtag", "Berichtsdatum", "Datum", "report_date",
                    "reporting date", "as of", "as of date", "cut-off date", "date"),
    "achieved": ("Ist", "Ist-Wert", "Erreicht", "Erreichter Wert", "Ist kumuliert", "Wert",
                 "achieved", "achieved value", "actual", "actual value", "implemented",
                 "implemented_value", "value"),
    "target": ("Soll", "Soll-Wert", "Ziel", "Zielwert", "Zielvorgabe", "Planwert", "target",
               "target value", "target_value"),
    "unit": ("Einheit", "Maßeinheit", "Messeinheit", "unit", "measurement unit", "measurement_unit"),
    "version": ("Version", "Berichtsversion", "report version", "ir_ver"),
}
# Declared breakdown columns: breakdown key -> accepted headers.
BREAKDOWN_ALIASES: dict[str, tuple[str, ...]] = {
    "priority": ("Priorität", "Prioritätsachse", "Achse", "priority", "priority axis", "priority_code"),
    "investment_priority": ("Investitionspriorität", "IP", "investment priority", "investment_priority"),
    "specific_objective": ("Spezifisches Ziel", "specific objective"),
    "region_category": ("Regionenkategorie", "Regionskategorie", "Kategorie der Region",
                        "region category", "category of region", "category_of_region"),
    "gender": ("Geschlecht", "gender", "sex"),
    "age_group": ("Altersgruppe", "age group"),
    "target_group": ("Zielgruppe", "target group"),
    "region": ("Region", "Bundesland", "Land", "Landkreis", "Kreis", "state", "district"),
    "site": ("Standort", "site"),
    "cohort": ("Kohorte", "cohort"),
}
