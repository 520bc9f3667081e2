"""Words of the ministry report: titles, column heads, notes, method section, file names.

Keys start with `report.`; shared words (field.*, gender.*, age_band.*, state.*) come from
`text/common.py`. Sections, table titles and sheet names reuse one word where they name
the same thing.
"""

WORDS: dict[str, tuple[str, str]] = {
    "report.title": ("Bericht zu Zielerreichung und Wirkung", "Report on targets and outcomes"),
    "report.app": ("Wirkungsmonitor", "Wirkungsmonitor"),
    "report.internal": ("intern / nicht zur Veröffentlichung", "internal / not for publication"),
    "report.public": ("zur Veröffentlichung – kleine Fallzahlen unterdrückt (*)",
                      "for publication – small counts suppressed (*)"),
    # cover
    # PDF: a large table is summarised (pipelines/report/pdf.py), the spreadsheets hold it whole
    "report.pdf_summary": ("Gekürzt: {shown} von {rows} Zeilen (Summenzeilen); die vollständige Tabelle "
                           "steht in der XLSX- und CSV-Ausgabe des Berichts.",
                           "Shortened: {shown} of {rows} rows (total rows); the whole table is in the "
                           "report's XLSX and CSV output."),
    "report.item": ("Angabe", "Item"),
    "report.value": ("Wert", "Value"),
    "report.organisation": ("Träger", "Organisation"),
    "report.region": ("Region", "Region"),
    "report.funders": ("Fördermittelgeber", "Funder(s)"),
    "report.program_period": ("Programmlaufzeit", "Program period"),
    "report.period": ("Berichtszeitraum", "Reporting period"),
    "report.as_of": ("Datenstand", "Data as of"),
    "report.created": ("Erstellt am", "Created on"),
    "report.fingerprint": ("Datenfingerabdruck (SHA-256)", "Data fingerprint (SHA-256)"),
    "report.status": ("Status", "Status"),
    "report.suppression": ("Geheimhaltung", "Disclosure control"),
    "report.rule_public": ("Fallzahlen von 1 bis {max} sind durch * ersetzt, ebenso Summen und Nachbarwerte, "
                           "aus denen sie sich errechnen ließen. 0 wird gezeigt.",
                           "Counts from 1 to {max} are replaced by *, as are totals and neighbouring values "
                           "from which they could be worked out. 0 is shown."),
    "report.rule_public_one": ("Fallzahlen von 1 sind durch * ersetzt, ebenso Summen und Nachbarwerte, "
                               "aus denen sie sich errechnen ließen. 0 wird gezeigt.",
                               "Counts of 1 are replaced by *, as are totals and neighbouring values from "
                               "which they could be worked out. 0 is shown."),
    "report.rule_none": ("keine Unterdrückung (Schwelle 1)", "no suppression (threshold 1)"),
    "report.rule_internal": ("Interner Bericht: alle Zahlen ungekürzt. In der Fassung zur Veröffentlichung "
                             "gilt: {rule}",
                             "Internal report: all numbers in full. In the version for publication: {rule}"),
    "report.page": ("Seite {n} von {total}", "Page {n} of {total}"),
    # sections (also the titles and sheet names of the tables that are a whole section)
    "report.section.cover": ("Deckblatt", "Cover"),
    "report.section.targets": ("Zielerreichung", "Targets"),
    "report.section.progress": ("Fortschritt", "Progress"),
    "report.section.entry": ("Teilnehmende nach Merkmalen bei Eintritt", "Participants by characteristics at entry"),
    "report.section.leaving": ("Ergebnisse bei und sechs Monate nach Austritt",
                               "Results upon leaving and six months after leaving"),
    "report.section.sites": ("Standorte und Kohorten", "Sites and cohorts"),
    "report.section.method": ("Methodik", "Method"),
    # table titles (where a table is not a whole section)
    "report.table.progress": ("Fortschritt der Ziele nach Halbjahren", "Progress of the targets by half-year"),
    "report.table.age_band": ("Altersgruppe (Alter im Eintrittsjahr)", "Age band (age in the year of entry)"),
    "report.table.isced": ("Bildungsniveau (ISCED)", "Level of education (ISCED)"),
    "report.table.german": ("Deutschkenntnisse (GER)", "German (CEFR level)"),
    "report.table.origin": ("Herkunftsregion", "Region of origin"),
    # sheet names (≤ 31 characters) where the title is too long
    "report.sheet.isced": ("Bildungsniveau", "Education"),
    "report.sheet.german": ("Deutschkenntnisse", "German"),
    "report.sheet.origin": ("Herkunftsregion", "Origin"),
    "report.sheet.leaving": ("Austritt", "Leaving"),
    "report.sheet.notes": ("Hinweise", "Notes"),
    "report.sheet.unnamed": ("Tabelle", "Sheet"),
    # column heads
    "report.target": ("Ziel", "Target"),
    "report.target_period": ("Zeitraum", "Period"),
    "report.achieved": ("Erreicht", "Achieved"),
    "report.target_value": ("Zielwert", "Target value"),
    "report.attainment": ("Zielerreichung", "Attainment"),
    "report.state": ("Stand", "State"),
    "report.forecast": ("Prognose", "Forecast"),
    "report.date": ("Stichtag", "Date"),
    "report.new": ("Neu seit vorigem Stichtag", "New since previous date"),
    "report.cumulative": ("Kumuliert", "Cumulative"),
    "report.category": ("Ausprägung", "Category"),
    "report.count": ("Anzahl", "Count"),
    "report.share": ("Anteil", "Share"),
    "report.total": ("Gesamt", "Total"),
    "report.not_recorded": ("nicht erfasst", "not recorded"),
    "report.result": ("Ergebnis", "Result"),
    "report.upon": ("Bei Austritt", "Upon leaving"),
    "report.six": ("Sechs Monate nach Austritt", "Six months after leaving"),
    "report.share_upon": ("Anteil bei Austritt", "Share upon leaving"),
    "report.share_six": ("Anteil nach sechs Monaten", "Share after six months"),
    "report.leavers_base": ("Austritte (Basis)", "Leavers (base)"),
    "report.any_outcome": ("irgendein Ergebnis", "any result"),
    "report.all_cohorts": ("alle Kohorten", "all cohorts"),
    "report.all_sites": ("alle Standorte", "all sites"),
    "report.entered": ("Eingetreten", "Entered"),
    "report.in_program": ("Im Programm am {date}", "In program on {date}"),
    "report.reached": ("{status} begonnen", "{status} started"),
    # the methods sheet and the long CSV
    "report.method_heading": ("Abschnitt", "Section"),
    "report.method_text": ("Text", "Text"),
    "report.csv_table": ("Tabelle", "Table"),
    "report.csv_row": ("Zeile", "Row"),
    "report.csv_column": ("Spalte", "Column"),
    "report.csv_number": ("Nr", "No"),
    "report.star": ("* = Fallzahl unterdrückt (kleine Zahl oder aus ihr errechenbar)",
                    "* = count suppressed (small, or a small count could be worked out from it)"),
    # notes under the tables
    "report.n_targets": ("Zielwerte in der am {as_of} gültigen Fassung; Stand und Prognose zum {as_of}.",
                         "Target values as in force on {as_of}; state and forecast on {as_of}."),
    "report.n_targets_none": ("Für diese Programme sind keine Ziele hinterlegt.",
                              "No targets are stored for these programs."),
    "report.n_entry": ("Teilnehmende mit Eintritt vom {start} bis {end}.",
                       "Participants who entered from {start} to {end}."),
    "report.n_origin_off": ("Die Herkunftsregion wird nicht gezeigt: {why}.",
                            "The region of origin is not shown: {why}."),
    "report.n_origin_disabled": ("für {programs} abgeschaltet (besondere Kategorien personenbezogener Daten)",
                                 "switched off for {programs} (special categories of personal data)"),
    "report.n_origin_partly": ("Für {programs} ist die Herkunftsregion abgeschaltet; diese Teilnehmenden "
                               "zählen als „nicht erfasst“.",
                               "The region of origin is switched off for {programs}; these participants "
                               "count as 'not recorded'."),
    "report.n_leaving": ("Bei Austritt: Austritte vom {start} bis {upon_end}, im Status an mindestens einem "
                         "Tag der 4 Wochen ab Austritt. Sechs Monate danach: Austritte vom {start} bis "
                         "{six_end}, im Status am Tag sechs Monate nach Austritt. Spätere Austritte sind "
                         "am {as_of} noch nicht vollständig beobachtbar.",
                         "Upon leaving: leavers from {start} to {upon_end}, in the status on at least one "
                         "day of the 4 weeks from leaving. Six months after: leavers from {start} to "
                         "{six_end}, in the status on the day six months after leaving. Later leavers "
                         "cannot be fully observed on {as_of}."),
    "report.n_leaving_none": ("Keine Austritte mit vollständigem Beobachtungszeitraum.",
                              "No leavers with a complete observation window."),
    "report.n_sites": ("Eingetreten und begonnen ({outcomes}): vom {start} bis {end}; im Programm: am {end}.",
                       "Entered and started ({outcomes}): from {start} to {end}; in program: on {end}."),
    "report.n_progress": ("Kumulierte Werte der Ziele mit Zählgröße „Eingetreten“ oder „erreicht“, je "
                          "Halbjahresende ab Zielbeginn und am {as_of}.",
                          "Cumulative values of the targets that count entries or outcomes reached, at "
                          "every half-year end from the start of the target and on {as_of}."),
    "report.n_progress_none": ("Keine Ziele mit Zeitreihe (Eingetreten/erreicht).",
                               "No targets with a time series (entered/reached)."),
    "report.forecast_hidden": ("* (kleine Fallzahl)", "* (small count)"),
    # chart legend
    "report.chart.achieved": ("erreicht", "achieved"),
    "report.chart.line": ("Ziellinie", "target line"),
    "report.chart.milestone": ("Meilenstein", "milestone"),
    "report.chart.forecast": ("Prognose (10–90 %)", "forecast (10–90%)"),
    # errors
    "report.e_no_programs": ("Kein Programm angegeben.", "No program given."),
    "report.e_unknown_program": ("Unbekanntes Programm: {programs}.", "Unknown program: {programs}."),
    "report.e_period": ("Der Berichtszeitraum endet ({end}) vor seinem Beginn ({start}).",
                        "The reporting period ends ({end}) before it starts ({start})."),
    "report.e_after_as_of": ("Der Berichtszeitraum beginnt ({start}) nach dem Datenstand ({as_of}).",
                             "The reporting period starts ({start}) after the as-of date ({as_of})."),
    "report.e_threshold": ("Die Schwelle muss mindestens 1 sein, nicht {threshold}.",
                           "The threshold must be at least 1, not {threshold}."),
    "report.e_date": ("{name}: „{value}“ ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT).",
                      "{name}: '{value}' is not a date (DD.MM.YYYY or YYYY-MM-DD)."),
    "report.period_start": ("Beginn des Berichtszeitraums", "Start of the reporting period"),
    "report.period_end": ("Ende des Berichtszeitraums", "End of the reporting period"),
    "report.e_format": ("Unbekanntes Format „{fmt}“ (möglich: pdf, xlsx, csv).",
                        "Unknown format '{fmt}' (possible: pdf, xlsx, csv)."),
    # file names: bericht_<program>_<as-of>[_intern].<fmt>
    "report.file": ("bericht", "report"),
    "report.file_programs": ("{n}-programme", "{n}-programs"),
    "report.file_internal": ("intern", "internal"),
    # method section: (heading, text) pairs, in this order
    "report.method.period": ("Berichtszeitraum und Datenstand", "Reporting period and data date"),
    "report.method.period_text": (
        "Gezählt wird vom {start} bis {end} (Ende des Berichtszeitraums, höchstens der Datenstand "
        "{as_of}). Ziele werden zum Datenstand bewertet, in der an diesem Tag gültigen Fassung. "
        "Grundlage sind die pseudonymisierten Teilnehmenden- und Verlaufsdaten der Programme; der "
        "Datenfingerabdruck (SHA-256 über alle Programm-, Teilnehmenden-, Verlaufs- und Zielzeilen, "
        "geordnet) weist nach, auf welchem Datenstand der Bericht beruht: gleiche Daten und gleiche "
        "Angaben ergeben denselben Bericht.",
        "Counts run from {start} to {end} (end of the reporting period, at most the as-of date "
        "{as_of}). Targets are evaluated on the as-of date, in the revision in force that day. The "
        "basis is the programs' pseudonymous participant and episode data; the data fingerprint "
        "(SHA-256 over all program, participant, episode and target rows, ordered) proves which "
        "data the report was built from: the same data and the same settings give the same report."),
    "report.method.counts": ("Was die Zahlen zählen", "What the numbers count"),
    "report.method.counts_text": (
        "Eingetreten: Teilnehmende mit Eintrittsdatum im Zeitraum. Im Programm: eingetreten und "
        "nicht vor dem Stichtag ausgetreten. Begonnen (z. B. Ausbildung): Teilnehmende mit mindestens "
        "einem Abschnitt dieses Status, der im Zeitraum beginnt; jede Person zählt einmal. Merkmale "
        "bei Eintritt beziehen sich auf die im Zeitraum Eingetretenen; das Alter ist das Alter im "
        "Eintrittsjahr (nur das Geburtsjahr wird gespeichert), das Bildungsniveau die ISCED-Stufe "
        "(0–2, 3–4, 5–8), die Deutschkenntnisse die GER-Stufe. Die Herkunftsregion wird nur gezeigt, "
        "wo sie erfasst und für das Programm erlaubt ist.",
        "Entered: participants whose entry date lies in the period. In program: entered and not "
        "left before the date. Started (e.g. vocational training): participants with at least one "
        "episode of the status starting in the period; each person counts once. Characteristics at "
        "entry refer to those who entered in the period; age is the age in the year of entry (only the "
        "birth year is stored), level of education the ISCED level (0–2, 3–4, 5–8), German the CEFR "
        "level. The region of origin is shown only where it is recorded and allowed for the program."),
    "report.method.leaving": ("Ergebnisse bei und nach Austritt", "Results upon and after leaving"),
    "report.method.leaving_text": (
        "Bei Austritt (ESF+): von den Ausgetretenen diejenigen, die an mindestens einem Tag vom "
        "Austrittstag bis 28 Tage danach im Status waren. Sechs Monate nach Austritt: diejenigen, die am "
        "Tag sechs Kalendermonate nach dem Austritt im Status waren. Gezählt werden nur Austritte, deren "
        "Beobachtungszeitraum am Datenstand abgeschlossen ist. Eine Person kann mehrere Ergebnisse "
        "haben; „irgendein Ergebnis“ zählt sie einmal.",
        "Upon leaving (ESF+): of the leavers, those in the status on at least one day from the day of "
        "leaving to 28 days later. Six months after leaving: those in the status on the day six calendar "
        "months after leaving. Only leavers whose observation window is complete on the as-of date are "
        "counted. A person may have several results; 'any result' counts her once."),
    "report.method.targets": ("Ziele, Stand und Prognose", "Targets, state and forecast"),
    "report.method.targets_text": (
        "Zielerreichung = erreicht / Zielwert. Stand: erfüllt, im Plan (mindestens auf der Linie von "
        "0 zum Zielwert bzw. durch die Meilensteine), gefährdet (darunter), verfehlt (Zeitraum vorbei, "
        "nicht erfüllt), noch nicht begonnen. Die Prognose schreibt das Tempo der letzten {window} "
        "Monate bis zum Zielende fort. Die Wahrscheinlichkeit behandelt neue Fälle als Poisson-Prozess, "
        "dessen Tempo selbst unsicher ist (nur aus diesen Monaten geschätzt: Gamma–Poisson, d. h. "
        "negativ-binomial); über 99 % wird als „über 99 %“ angegeben, nie als Gewissheit. Rückblickend "
        "geprüft (jedes letzte Jahr aus dem Jahr davor vorhergesagt) lag der tatsächliche Wert in "
        "{demo_gp} der {demo_n} Demo-Reihen und in {esf_gp} der {esf_n} ESF-Indikatorreihen im "
        "80-%-Prognosebereich (ein reiner Poisson-Prozess: {demo_p} bzw. {esf_p}); bei den ESF-Reihen "
        "lag er in {esf_below} darunter. Die Wahrscheinlichkeit ist daher eine Orientierung, keine "
        "Zusage: Jahre unterscheiden sich stärker, als ein fester Zufallsprozess erwarten lässt. Die "
        "Zeitreihe zeigt die kumulierten Werte je Halbjahresende.",
        "Attainment = achieved / target value. State: met, on track (at least on the line from 0 to "
        "the target, or through the milestones), at risk (below it), missed (period over, not met), "
        "not started. The forecast continues the pace of the last {window} months to the end of the "
        "target period. The probability treats new cases as a Poisson process whose pace is itself "
        "uncertain (estimated from those months only: Gamma–Poisson, i.e. negative binomial); above "
        "99 % is given as 'over 99%', never as certainty. Checked in hindsight (each last year "
        "predicted from the year before), the actual value lay inside the 80% forecast range in "
        "{demo_gp} of {demo_n} demo series and {esf_gp} of {esf_n} ESF indicator series (a plain "
        "Poisson process: {demo_p} and {esf_p}); for the ESF series it lay below it in {esf_below}. "
        "The probability is therefore a guide, not a promise: years differ more than a fixed random "
        "process expects. The time series shows the cumulative values at every half-year end."),
    "report.method.suppression": ("Geheimhaltung", "Disclosure control"),
    "report.method.suppression_text": (
        "{rule} Jede Zahl ist eine Zelle mit fester Bedeutung (Messgröße, Status, Programme, Filter, "
        "Zeitraum); dieselbe Zelle ist in allen Tabellen gleich behandelt, und Summenbeziehungen "
        "(Aufschlüsselungen, Standort und Kohorten, Halbjahre und kumulierte Werte) werden gemeinsam "
        "geprüft, sodass sich keine unterdrückte Zahl aus anderen errechnen lässt. Aus einer "
        "unterdrückten Zahl wird kein Anteil berechnet; Stand und Prognose eines Ziels mit "
        "unterdrücktem Wert werden ebenfalls nicht gezeigt.",
        "{rule} Every number is a cell with a fixed meaning (measure, status, programs, filter, "
        "period); the same cell is treated alike in every table, and sum relations (breakdowns, site "
        "and cohorts, half-years and running totals) are checked together, so no suppressed number can "
        "be worked out from others. No share is computed from a suppressed number; the state and "
        "forecast of a target whose value is suppressed are not shown either."),
}
