"""Every label of the dashboard, in German (default) and English. One place, one word per concept."""

from __future__ import annotations

from pipelines import text

LABELS: dict[str, tuple[str, str]] = {
    # app / sidebar
    "app.title": ("Wirkungsmonitor", "Wirkungsmonitor"),
    "app.language": ("Sprache", "Language"),
    "app.programs": ("Programme", "Programs"),
    "app.programs.help": ("Ein, mehrere oder alle Programme", "One, several or all programs"),
    "app.as_of": ("Stichtag", "As-of date"),
    "app.as_of.help": ("Alle Zahlen gelten für diesen Tag. Vorgabe: das letzte Datum in den Daten.",
                       "All figures hold for this day. Default: the latest date in the data."),
    "app.no_data": ("Noch keine Daten. Laden Sie auf der Seite »Daten« eine Programmdatei (TOML) und "
                    "Teilnehmendendaten hoch – oder bauen Sie die Demo mit `make run`.",
                    "No data yet. Upload a program file (TOML) and participant data on the 'Data' page — "
                    "or build the demo with `make run`."),
    "app.no_program": ("Bitte links mindestens ein Programm wählen.", "Please pick at least one program on the left."),
    "app.store": ("Datenbank", "Store"),
    "app.error": ("Das hat nicht geklappt: {detail}. Bitte Eingaben prüfen oder die Seite neu laden.",
                  "That did not work: {detail}. Please check the inputs or reload the page."),
    "download.csv": ("Daten als CSV", "Data as CSV"),
    # every page (answers): the link to this view
    "app.link": ("Link kopieren", "Copy link"),
    "app.link.help": ("Dieser Link öffnet genau diese Ansicht (Programme, Stichtag, Sprache, Einstellungen der "
                      "Seite). Zum Kopieren rechts oben im Feld klicken.",
                      "This link opens exactly this view (programs, as-of date, language, the page's settings). "
                      "Click the top right corner of the box to copy it."),
    # pages
    "page.overview": ("Übersicht", "Overview"),
    "page.progress": ("Verlauf", "Progress"),
    "page.compare": ("Vergleich", "Comparison"),
    "page.funnel": ("Verläufe der Teilnehmenden", "Participant pathways"),
    "page.targets": ("Ziele", "Targets"),
    "page.data": ("Daten", "Data"),
    "page.report": ("Bericht", "Report"),
    "page.programmes": ("ESF-Indikatoren", "ESF indicators"),
    "page.start": ("Programme im Überblick", "Programs at a glance"),
    "page.help": ("Hilfe", "Help"),
    # overview (answers): the title
    "overview.n_programs": ("{n} Programme", "{n} programs"),
    "overview.headline": ("Hauptziel", "headline target"),
    # help page (answers): what each number counts, in the words of DESIGN.md
    "print.head": ("Wirkungsmonitor · {programs} · Stichtag {as_of}", "Wirkungsmonitor · {programs} · as of {as_of}"),
    "help.numbers": ("Was jede Zahl zählt", "What each number counts"),
    "help.entered.title": ("Eingetreten", "Entered"),
    "help.entered": ("Teilnehmende, deren Eintrittsdatum im Zeitraum liegt (Programmbeginn bis Stichtag).",
                     "Participants whose entry date lies in the period (program start to the as-of date)."),
    "help.in_program.title": ("Im Programm", "In the program"),
    "help.in_program": ("Bis zum Stichtag eingetreten und nicht vor dem Stichtag ausgetreten – der Austrittstag "
                        "zählt noch. Jede Seite, die Kommandozeile und der Bericht zählen so.",
                        "Entered on or before the as-of date and not left before it — the exit day still counts. "
                        "Every page, the command line and the report count this way."),
    "help.active.title": ("Im Coaching, in Beschäftigung … (aktiv am Stichtag)", "In coaching, in employment … (active)"),
    "help.active": ("Teilnehmende mit einer Episode dieses Status, die am Stichtag oder vorher begonnen hat und "
                    "nicht vorher beendet ist. Ein Coaching ohne Enddatum endet mit dem Austritt (der Austrittstag "
                    "zählt noch); Ausbildung und Beschäftigung laufen nach dem Austritt bis zu ihrem eigenen Ende. "
                    "„106 im Coaching“ ist diese Zahl.",
                    "Participants with an episode of this status that started on or before the as-of date and has "
                    "not ended before it. Coaching without an end date ends with the exit (the exit day still "
                    "counts); training and employment go on after the exit until their own end. \"106 in "
                    "coaching\" is this number."),
    "help.reached.title": ("Ausbildung begonnen … (erreicht)", "Started training … (reached)"),
    "help.reached": ("Teilnehmende mit einer Episode dieses Status, die im Zeitraum begonnen hat; jede Person "
                     "zählt einmal. „37 haben eine Ausbildung begonnen“ ist diese Zahl seit Programmbeginn. Ein "
                     "Ziel über mehrere Status (Ausbildung oder Beschäftigung) zählt jede Frau einmal.",
                     "Participants with an episode of this status starting in the period; each person counts "
                     "once. \"37 started training\" is this number since program start. A target over several "
                     "statuses (training or employment) counts each woman once."),
    "help.upon_leaving.title": ("Bei Austritt (ESF+)", "Upon leaving (ESF+)"),
    "help.upon_leaving": ("Von den im Zeitraum Ausgetretenen diejenigen, deren Episode dieses Status an irgendeinem "
                          "Tag innerhalb von 28 Tagen nach dem Austritt läuft.",
                          "Of those who left in the period, those with an episode of this status running on any "
                          "day within 28 days after the exit."),
    "help.six_months_after.title": ("Sechs Monate nach Austritt (ESF+)", "Six months after leaving (ESF+)"),
    "help.six_months_after": ("Von den Ausgetretenen diejenigen, deren Episode dieses Status am Tag sechs Monate "
                              "nach dem Austritt läuft.",
                              "Of those who left, those with an episode of this status running on the day six "
                              "months after the exit."),
    "help.time_to.title": ("Zeit bis zum Ergebnis", "Time to outcome"),
    "help.time_to": ("Tage vom Eintritt bis zum ersten Beginn des Status. Wer ihn (noch) nicht erreicht hat, "
                     "zählt bis zum Austritt oder Stichtag mit und fällt dann heraus (Kaplan-Meier); gezeigt als "
                     "Anteil, der den Status bis zum jeweiligen Monat nach Eintritt erreicht hat.",
                     "Days from entry to the first start of the status. Whoever has not (yet) reached it counts "
                     "until her exit or the as-of date and then drops out (Kaplan–Meier); shown as the share "
                     "reaching the status by each month since entry."),
    "help.share.title": ("Anteile", "Shares"),
    "help.share": ("Erreicht geteilt durch Eingetretene, mit einem 95-%-Intervall nach Wilson: bei kleinen Gruppen "
                   "ist es breit. Ein Unterschied zweier Gruppen wird mit seinem eigenen 95-%-Intervall (Newcombe) "
                   "gezeigt; schließt es 0 ein, ist kein Unterschied belegt.",
                   "Reached divided by entered, with a Wilson 95% interval: wide for small groups. A difference "
                   "between two groups is shown with its own 95% interval (Newcombe); if it includes 0, no "
                   "difference is shown by the data."),
    "help.small.title": ("Zu kleine Gruppen", "Groups too small"),
    "help.small": ("Gruppen mit weniger als 5 Teilnehmenden werden markiert: zu klein zum Vergleichen. In Berichten "
                   "zur Veröffentlichung erscheinen Zahlen 1 und 2 als *.",
                   "Groups of fewer than 5 participants are flagged as too small to compare. In reports for "
                   "publication counts of 1 and 2 appear as *."),
    "help.states": ("Der Stand eines Ziels", "A target's state"),
    "help.state.met": ("Der Zielwert ist erreicht (bei „höchstens“: der Zeitraum ist um und der Wert liegt darunter).",
                       "The target value is reached (for 'at most': the period is over and the value stayed below)."),
    "help.state.on_track": ("Der Wert liegt auf oder über der geraden Linie (oder den Meilensteinen) vom Beginn "
                            "des Zeitraums zum Zielwert.",
                            "The value is on or above the straight line (or the milestones) from the period's start "
                            "to the target."),
    "help.state.at_risk": ("Der Wert liegt unter dieser Linie; der Zeitraum läuft noch.",
                           "The value is below that line; the period is still running."),
    "help.state.missed": ("Der Zeitraum ist vorbei und das Ziel nicht erreicht.",
                          "The period is over and the target was not met."),
    "help.state.not_started": ("Der Zeitraum hat noch nicht begonnen.", "The period has not started yet."),
    "help.forecast": ("**Prognose**: das Tempo der letzten zwölf Monate bis zum Ende des Zeitraums fortgeschrieben, "
                      "dazu die monatlich noch nötige Zahl und die Wahrscheinlichkeit, das Ziel zu erreichen "
                      "(neue Ergebnisse als Poisson-Prozess mit unsicherer Rate, Gamma-Poisson). Nie „100 %“ für "
                      "etwas, das noch nicht entschieden ist: „über 99 %“.",
                      "**Forecast**: the pace of the last twelve months carried forward to the end of the period, "
                      "with the monthly number still needed and the chance of reaching the target (new outcomes as "
                      "a Poisson process with an uncertain rate, Gamma–Poisson). Never \"100%\" for what is not "
                      "decided yet: \"over 99%\"."),
    "help.sources": ("Woher die Daten kommen", "Where the data come from"),
    "help.sources.text": ("Die Projekte laden ihre Teilnehmendenlisten (Excel, CSV oder Parquet; ein Tracking-Blatt "
                          "mit einer Zeile je Teilnehmerin oder Teilnehmende und Episoden getrennt) und ihre "
                          "Programmdatei mit den Zielen (TOML) auf der Seite »Daten« oder mit `outcomes ingest`. "
                          "Gespeichert werden nur Pseudonyme (Fallnummern), nie Namen; Spalten wie Name, E-Mail "
                          "oder Geburtsdatum werden abgewiesen. Jeder Ladevorgang steht in der Ladehistorie. Die "
                          "ESF-Indikatoren sind die veröffentlichten Soll- und Ist-Werte der deutschen Programme "
                          "2014–2020 (kumuliert je Jahr).",
                          "Projects load their participant lists (Excel, CSV or Parquet; a tracking sheet with one "
                          "row per participant, or participants and episodes apart) and their program file with the "
                          "targets (TOML) on the 'Data' page or with `outcomes ingest`. Only pseudonyms (case "
                          "numbers) are stored, never names; columns such as name, e-mail or date of birth are "
                          "refused. Every load is in the load history. The ESF indicators are the published target "
                          "and achieved values of the German programmes 2014–2020 (cumulative per year)."),
    "help.store": ("Datenbank dieser Sitzung: {path}", "Store of this session: {path}"),
    "help.print": ("Drucken", "Printing"),
    "help.print.text": ("Jede Seite lässt sich mit der Druckfunktion des Browsers (Strg+P) drucken oder als PDF "
                        "speichern: ohne Seitenleiste und Knöpfe, und jedes gedruckte Blatt nennt oben die Programme "
                        "und den Stichtag. Für veröffentlichungsfähige Tabellen ist der Bericht (Seite »Bericht«) da.",
                        "Every page can be printed or saved as PDF with the browser's print function (Ctrl+P): "
                        "without the sidebar and buttons, and every printed sheet names the programs and the as-of "
                        "date at the top. For publishable tables use the report ('Report' page)."),
    # start page (answers): programs × targets
    "start.intro": ("Welche Programme erreichen ihre Ziele? Stand aller gewählten Programme am {as_of}; "
                    "★ = Hauptziel der Zielvereinbarung.",
                    "Which programs meet their targets? All selected programs as of {as_of}; "
                    "★ = the agreement's headline target."),
    "start.funder": ("Fördergeber", "Funder"),
    "start.state": ("Stand", "State"),
    "start.all": ("alle", "all"),
    "start.sort": ("Sortieren nach", "Sort by"),
    "start.sort.program": ("Programm", "program"),
    "start.sort.state": ("Stand (verfehlt, gefährdet zuerst)", "state (missed, at risk first)"),
    "start.sort.attainment": ("Zielerreichung (niedrigste zuerst)", "attainment (lowest first)"),
    "start.program": ("Programm", "Program"),
    "start.target": ("Ziel", "Target"),
    "start.achieved": ("Erreicht / Ziel", "Achieved / target"),
    "start.attainment": ("Zielerreichung", "Attainment"),
    "start.forecast": ("Prognose zum Ende", "Forecast at the end"),
    "start.probability": ("Wahrscheinlichkeit", "Probability"),
    "start.probability_help": ("Chance, das Ziel bis zum Ende des Zeitraums zu erreichen, wenn das Tempo der "
                               "letzten Monate anhält (Gamma-Poisson-Modell).",
                               "Chance of meeting the target by the end of the period if the pace of the last "
                               "months holds (Gamma–Poisson model)."),
    "start.open": ("Übersicht", "Overview"),
    "start.open_text": ("öffnen ↗", "open ↗"),
    "start.open_program": ("Übersicht: {name}", "Overview: {name}"),
    "start.no_target": ("(kein Ziel hinterlegt)", "(no target on file)"),
    "start.caption": ("Je Zeile ein Ziel; erreicht = Zahl am Stichtag nach der Messgröße des Ziels (siehe Hilfe). "
                      "Prognose und Wahrscheinlichkeit: Fortschreibung des Tempos der letzten zwölf Monate.",
                      "One target per row; achieved = the number on the as-of date by the target's measure (see "
                      "Help). Forecast and probability: the pace of the last twelve months carried forward."),
    # tiles
    "tile.entered": ("Eingetreten", "Entered"),
    "tile.in_program": ("Im Programm", "In the program"),
    "tile.support": ("In Begleitung", "In support"),
    "tile.coaching": ("Im Coaching", "In coaching"),
    "tile.mentoring": ("Im Mentoring", "In mentoring"),
    "tile.training": ("Ausbildung begonnen", "Started training"),
    "tile.employment": ("In Beschäftigung", "In employment"),
    "tile.help.entered": ("Teilnehmende mit Eintritt zwischen Programmbeginn und Stichtag.",
                          "Participants who entered between program start and the as-of date."),
    "tile.help.in_program": ("Eingetreten bis zum Stichtag und nicht vorher ausgetreten.",
                             "Entered by the as-of date and not left before it."),
    "tile.help.active": ("Mit einer laufenden Episode dieses Status am Stichtag.",
                         "With an episode of this status running on the as-of date."),
    "tile.help.reached": ("Mit einer Episode dieses Status, die seit Programmbeginn begonnen hat (jede Person einmal).",
                          "With an episode of this status started since program start (each person once)."),
    # targets
    "targets.heading": ("Zielvereinbarungen", "Target agreements"),
    "targets.none": ("Für die gewählten Programme sind keine Ziele hinterlegt. Ziele lassen sich auf der Seite »Ziele« anlegen.",
                     "No targets for the selected programs. Targets can be added on the 'Targets' page."),
    "targets.achieved_of": ("{achieved} von {target}", "{achieved} of {target}"),
    "targets.at_most_of": ("{achieved} (höchstens {target})", "{achieved} (at most {target})"),
    "targets.expected": ("Soll zum Stichtag: {expected}", "Expected by the as-of date: {expected}"),
    "targets.period": ("Zeitraum {start} – {end}", "Period {start} – {end}"),
    "targets.window": ("Tempo der letzten {months} Monate", "pace of the last {months} months"),
    # progress
    "progress.target": ("Zielvereinbarung", "Target"),
    "progress.achieved": ("Erreicht (kumuliert)", "Achieved (cumulative)"),
    "progress.target_line": ("Soll-Linie", "Target line"),
    "progress.milestone": ("Meilenstein", "Milestone"),
    "progress.forecast": ("Prognose", "Forecast"),
    "progress.band": ("80-%-Band der Prognose", "80% forecast band"),
    "progress.monthly": ("Eintritte und Ergebnisse pro Monat", "Entries and outcomes per month"),
    "progress.caption": ("Kumuliert: Teilnehmende, die bis zum jeweiligen Monatsende gezählt werden – {measure}. "
                         "Prognose: Fortschreibung des Tempos der letzten Monate; das Band zeigt 10.–90. Perzentil "
                         "eines Gamma-Poisson-Modells (auch das Tempo selbst ist unsicher, wie bei der "
                         "Wahrscheinlichkeit auf der Übersicht).",
                         "Cumulative: participants counted by each month end — {measure}. Forecast: the recent "
                         "pace carried forward; the band shows the 10th–90th percentile of a Gamma–Poisson model "
                         "(the pace itself is uncertain too, as for the probability on the overview)."),
    "progress.monthly_caption": ("Neue Eintritte und neu begonnene Ergebnis-Episoden je Kalendermonat (jede Person einmal je Status).",
                                 "New entries and newly started outcome episodes per calendar month (each person once per status)."),
    "progress.month": ("Monat", "Month"),
    "progress.count": ("Anzahl", "Count"),
    # compare
    "compare.by": ("Gruppieren nach", "Group by"),
    "compare.mode": ("Vergleich", "Comparison"),
    "compare.ministry_groups": (
        "Verglichen wird nach einem Merkmal. Selbst formulierte Vergleichsgruppen gibt es für "
        "veröffentlichungssichere Zahlen nicht: jede Gruppe wäre eine neue Teilmenge, aus der sich unterdrückte "
        "Fallzahlen errechnen ließen; ebenso wenig Gruppen nach einzelnen ISCED-Stufen (der Bericht zeigt "
        "Stufengruppen) oder nach Coach und Mentorin (viele Gruppen von ein, zwei Frauen).",
        "Groups are formed by one attribute. Typed comparison groups are not offered with publication-safe "
        "figures: every group would be a new subset from which suppressed counts could be worked out; nor is "
        "grouping by single ISCED level (the report shows bands) or by coach and mentor (many groups of one or "
        "two women)."),
    "compare.ministry_not_held": (
        "Dieser Vergleich gehört nicht zu den veröffentlichungssicheren Zahlen (nur nach einem Merkmal, für die "
        "Ergebnis- und Begleitungsstatus).",
        "This comparison is not part of the publication-safe figures (by one attribute only, for the outcome "
        "and support statuses)."),
    "compare.ministry_curves": (
        "Zeitverläufe (Kaplan–Meier-Kurven und Zahlen unter Risiko) werden mit veröffentlichungssicheren Zahlen "
        "nicht gezeigt: jede Stufe einer Kurve verrät eine kleine Fallzahl; auch der Bericht enthält keine.",
        "Time-to-outcome curves (Kaplan–Meier curves and numbers at risk) are not shown with publication-safe "
        "figures: every step of a curve reveals a small count; the report publishes none either."),
    "compare.mode.by": ("nach Merkmal", "by attribute"),
    "compare.mode.groups": ("Vergleichsgruppen", "comparison groups"),
    "compare.status": ("Ergebnis", "Outcome"),
    "compare.group_n": ("Vergleichsgruppe {n}", "Group {n}"),
    "compare.group_help": ("Name: Filter; Filter, z. B. »Köln B1+: standort=Köln; deutschniveau>=B1; eintrittsjahr=2019«",
                            "Name: filter; filter, e.g. 'Köln B1+: site=Köln; german_level>=B1; entry_year=2019'"),
    "compare.add": ("Vergleichsgruppe hinzufügen", "Add group"),
    "compare.group": ("Gruppe", "Group"),
    "compare.unknown": ("unbekannt", "unknown"),
    "compare.n": ("n", "n"),
    "compare.reached": ("erreicht", "reached"),
    "compare.share": ("Anteil", "Share"),
    "compare.ci": ("95-%-Intervall", "95% interval"),
    "compare.small": ("zu klein (n < 5)", "too small (n < 5)"),
    "compare.caption": ("Anteil der bis zum Stichtag Eingetretenen, die {status} begonnen haben; Balken mit "
                        "95-%-Wilson-Intervall. Gruppen unter 5 Personen sind als zu klein markiert.",
                        "Share of those entered by the as-of date who started {status}; bars with 95% Wilson "
                        "interval. Groups under 5 people are flagged as too small."),
    "compare.curve": ("Zeit bis zum Ergebnis", "Time to outcome"),
    "compare.curve_caption": ("Kaplan-Meier: kumulierter Anteil, der {status} erreicht hat, nach Monaten seit Eintritt; "
                              "wer austritt oder noch im Programm ist, zählt bis dahin als »unter Risiko«.",
                              "Kaplan–Meier: cumulative share reaching {status} by months since entry; people who "
                              "left or are still in the program count as at risk until then."),
    "compare.months": ("Monate seit Eintritt", "Months since entry"),
    "compare.link": ("Dieser Vergleich steht in der Adresse des Browsers – Link kopieren und teilen.",
                     "This comparison lives in the browser's address — copy the link to share it."),
    # funnel
    "funnel.entered": ("Eingetreten", "Entered"),
    "funnel.support": ("In Begleitung gewesen", "Had support"),
    "funnel.outcome": ("Ergebnis erreicht", "Reached an outcome"),
    "funnel.caption": ("Personen, die bis zum Stichtag eingetreten sind; »Begleitung« = mindestens eine Episode "
                       "der Kategorie Unterstützung, »Ergebnis« = mindestens eine Ergebnis-Episode (Ausbildung, "
                       "Beschäftigung, Qualifikation, Schule/Studium).",
                       "People who entered by the as-of date; 'support' = at least one support episode, "
                       "'outcome' = at least one outcome episode (training, employment, qualification, education)."),
    "funnel.exits": ("Austrittsgründe", "Exit reasons"),
    "funnel.exits_caption": ("Ausgetretene bis zum Stichtag nach Grund.", "Those who left by the as-of date, by reason."),
    "funnel.stay": ("Verweildauer", "Length of stay"),
    "funnel.stay_caption": ("In Monaten: von Eintritt bis Austritt (oder bis zum Stichtag für alle, die noch da "
                            "sind); 25 % und 75 % sind die Quartile.",
                            "In months: from entry to exit (or to the as-of date for those still in the program); "
                            "25% and 75% are the quartiles."),
    "funnel.by_outcome": ("Je Ergebnis", "By outcome"),
    "funnel.supported": ("In Begleitung gewesen", "Had support"),
    "funnel.reached_any": ("Ergebnis erreicht", "Reached an outcome"),
    "funnel.stay.left": ("Ausgetreten", "Left"),
    "funnel.stay.ongoing": ("Noch im Programm", "Still in the program"),
    "funnel.median": ("Median", "Median"),
    "funnel.p25": ("25 %", "25%"),
    "funnel.p75": ("75 %", "75%"),
    "funnel.mean": ("Mittelwert", "Mean"),
    # targets page
    "tedit.program": ("Programm", "Program"),
    "tedit.intro": ("Ziele dieses Programms. Änderungen werden geprüft, in der Datenbank gespeichert und als "
                    "TOML-Programmdatei zum Herunterladen angeboten.",
                    "Targets of this program. Changes are validated, saved in the store and offered as a TOML "
                    "program file to download."),
    "tedit.new": ("Neues Ziel", "New target"),
    "tedit.edit": ("Ziel bearbeiten", "Edit target"),
    "tedit.id": ("Kennung", "Identifier"),
    "tedit.label": ("Bezeichnung", "Label"),
    "tedit.funder": ("Geldgeber", "Funder"),
    "tedit.measure": ("Maß", "Measure"),
    "tedit.status": ("Status", "Status"),
    "tedit.direction": ("Richtung", "Direction"),
    "tedit.at_least": ("mindestens", "at least"),
    "tedit.at_most": ("höchstens", "at most"),
    # Ziele (answers): labels made from the values, several statuses
    "tedit.label_help": ("Leer lassen: die Bezeichnung wird aus Maß, Status und Zielwert gebildet.",
                         "Leave empty: the label is made from measure, status and target value."),
    "tedit.label_disagrees": ("Die Bezeichnung »{label}« nennt eine andere Zahl als den Zielwert {value}. "
                              "Vorschlag: »{made}«.",
                              "The label '{label}' names another number than the target value {value}. "
                              "Suggestion: '{made}'."),
    "tedit.status_help": ("Der Status, der gezählt wird – oder mehrere (z. B. Ausbildung oder Beschäftigung: "
                          "jede Frau zählt einmal); beim Maß »Eintritte« ohne Bedeutung.",
                          "The status counted — or several (e.g. training or employment: each woman counts "
                          "once); not used for the measure 'entries'."),
    "tedit.valid_from": ("gültig ab", "valid from"),
    "tedit.value": ("Zielwert", "Target value"),
    "tedit.start": ("Beginn", "Start"),
    "tedit.end": ("Ende", "End"),
    "tedit.where": ("Eingrenzung (optional, z. B. standort=Köln)", "Scope (optional, e.g. site=Köln)"),
    "tedit.milestones": ("Meilensteine (optional, je Zeile TT.MM.JJJJ = Wert)", "Milestones (optional, one per line DATE = value)"),
    "tedit.save": ("Speichern", "Save"),
    "tedit.delete": ("Ziel löschen", "Delete target"),
    "tedit.saved": ("Gespeichert.", "Saved."),
    "tedit.deleted": ("Gelöscht.", "Deleted."),
    "tedit.invalid": ("Nicht gespeichert:", "Not saved:"),
    "tedit.download": ("Programmdatei (TOML) herunterladen", "Download program file (TOML)"),
    # data page
    "data.upload": ("Dateien hochladen", "Upload files"),
    "data.upload_help": ("Programmdateien (TOML), Teilnehmende, Episoden oder Tracking-Blätter als CSV, XLSX oder "
                         "Parquet. Es gilt derselbe Weg wie beim Befehl `outcomes ingest`.",
                         "Program files (TOML), participants, episodes or tracking sheets as CSV, XLSX or Parquet. "
                         "The same path as the `outcomes ingest` command."),
    "data.program": ("Programm für Dateien ohne Spalte »Programm«", "Program for files without a 'program' column"),
    "data.lenient": ("Tolerant laden: gute Zeilen laden, fehlerhafte abweisen", "Lenient: load good rows, reject bad ones"),
    "data.load": ("Laden", "Load"),
    "data.loaded": ("Geladen", "Loaded"),
    "data.refused": ("Nicht geladen – nichts wurde gespeichert. Bitte die Datei korrigieren:",
                     "Not loaded — nothing was stored. Please correct the file:"),
    "data.skipped": ("Diese Datei wurde schon geladen; nichts geändert.", "This file was loaded before; nothing changed."),
    "data.rejects": ("Abgewiesene Zeilen herunterladen", "Download rejected rows"),
    "data.history": ("Ladeprotokoll", "Load history"),
    "data.quality": ("Datenqualität", "Data quality"),
    "data.missing": ("Fehlende Merkmale", "Missing attributes"),
    "data.missing_caption": ("Anteil der Teilnehmenden ohne Angabe, je Programm und Merkmal.",
                             "Share of participants without a value, per program and attribute."),
    "data.stale": ("Aktualität", "Freshness"),
    "data.stale_caption": ("Letzte Lieferung je Programm; älter als 90 Tage gilt als veraltet.",
                           "Last delivery per program; older than 90 days counts as stale."),
    "data.order": ("Widersprüchliche Verläufe", "Contradicting records"),
    "data.order_caption": ("Episoden nach dem Austritt oder vor dem Eintritt, überlappende Episoden gleichen Status, "
                           "Teilnehmende ohne Episode.",
                           "Episodes after exit or before entry, overlapping episodes of one status, participants "
                           "without any episode."),
    "data.none": ("Keine Auffälligkeiten.", "Nothing found."),
    # Daten page (import assistant)
    "imp.title": ("Daten einlesen", "Import data"),
    "imp.help": ("Eine Tabelle (CSV oder Excel) oder eine Programmdatei (TOML) hochladen. Der Assistent zeigt die "
                 "ersten Zeilen, die gefundene Kopfzeile und welche Spalte was bedeutet; die Zuordnung lässt sich "
                 "ändern und wird für das Programm gespeichert.",
                 "Upload a table (CSV or Excel) or a program file (TOML). The assistant shows the first rows, the "
                 "header row found and what each column means; the assignment can be changed and is saved for "
                 "the program."),
    "imp.files": ("Dateien", "Files"),
    "imp.program": ("Programm der Dateien", "Program of the files"),
    "imp.program_help": ("Für Dateien ohne Spalte »Programm«. Die Spaltenzuordnung wird für dieses Programm "
                         "gespeichert und beim nächsten Mal wieder verwendet.",
                         "For files without a 'program' column. The column assignment is saved for this program "
                         "and used again next time."),
    "imp.none": ("– bitte wählen –", "– please choose –"),
    "imp.lenient": ("Tolerant laden: gute Zeilen laden, fehlerhafte abweisen", "Lenient: load good rows, reject bad ones"),
    "imp.preview": ("Vorschau: {file}", "Preview: {file}"),
    "imp.where": ("Kopfzeile: Zeile {row}", "Header row: line {row}"),
    "imp.where_sheet": ("Tabellenblatt »{sheet}«, Kopfzeile: Zeile {row}", "Sheet '{sheet}', header row: line {row}"),
    "imp.assign": ("Spaltenzuordnung", "Column assignment"),
    "imp.assign_help": ("Welche Angabe steht in welcher Spalte? »nicht verwendet« lässt eine Spalte weg.",
                        "Which field is in which column? 'not used' leaves a column out."),
    "imp.saved_mapping": ("Gespeicherte Zuordnung des Programms angewendet.", "The program's saved assignment applied."),
    "imp.load": ("Zuordnung speichern und laden", "Save assignment and load"),
    "imp.mapping_download": ("Zuordnung herunterladen (TOML)", "Download assignment (TOML)"),
    "imp.templates": ("Vorlagen", "Templates"),
    "imp.template_xlsx": ("Vorlage als Excel (XLSX)", "Template as Excel (XLSX)"),
    "imp.template_csv": ("Vorlage als CSV", "Template as CSV"),
    "imp.unreadable": ("Diese Datei kann nicht gelesen werden:", "This file cannot be read:"),
    "imp.problems": ("Probleme", "Problems"),
    "imp.program_file": ("Programmdatei – wird beim Laden eingelesen.", "Program file – read when loading."),
    "col.file": ("Datei", "File"),
    "col.line": ("Zeile", "Line"),
    "col.column": ("Spalte", "Column"),
    "col.value": ("Wert", "Value"),
    "col.message": ("Problem", "Problem"),
    "col.loaded_at": ("Zeitpunkt", "Time"),
    "col.kind": ("Art", "Kind"),
    "col.outcome": ("Ergebnis", "Outcome"),
    "col.read": ("gelesen", "read"),
    "col.loaded": ("geladen", "loaded"),
    "col.rejected": ("abgewiesen", "rejected"),
    "col.program": ("Programm", "Program"),
    "col.attribute": ("Merkmal", "Attribute"),
    "col.missing": ("fehlend", "missing"),
    "col.share_missing": ("Anteil fehlend", "Share missing"),
    "col.last_load": ("Letzte Lieferung", "Last delivery"),
    "col.latest_record": ("Jüngster Eintrag", "Latest record"),
    "col.days": ("Tage seit Lieferung", "Days since delivery"),
    "col.stale": ("veraltet", "stale"),
    "col.participant": ("Teilnehmer-ID", "Participant id"),
    "col.problem": ("Problem", "Problem"),
    "col.status": ("Status", "Status"),
    "col.date": ("Datum", "Date"),
    "col.participants": ("Teilnehmende", "Participants"),
    # report
    "rep.intro": ("Ein Bericht je Auswahl: Titelblatt mit Datenfingerabdruck, Zielerreichung mit Prognose, "
                  "Teilnehmende nach Merkmalen bei Eintritt, Ergebnisse bei Austritt und sechs Monate danach, "
                  "Fortschritt, Standorte und Kohorten, Methodenteil. Derselbe Bericht wie `outcomes report`.",
                  "One report per selection: cover with data fingerprint, target attainment with forecast, "
                  "participants by characteristics at entry, results upon leaving and six months after, progress, "
                  "sites and cohorts, method section. The same report as `outcomes report`."),
    "rep.from": ("Berichtszeitraum von", "Reporting period from"),
    "rep.to": ("bis", "to"),
    "rep.threshold": ("Kleine Fallzahlen unterdrücken unter", "Suppress counts below"),
    "rep.threshold_help": ("Fallzahlen von 1 bis zu diesem Wert minus 1 erscheinen als *; Summen und Nachbarwerte, "
                           "aus denen sie sich errechnen ließen, ebenso. Null bleibt sichtbar.",
                           "Counts from 1 to this value minus 1 show as *; so do totals and neighbours from which "
                           "they could be worked out. Zero stays visible."),
    "rep.internal": ("Interner Bericht (ohne Unterdrückung, nicht zur Veröffentlichung)",
                     "Internal report (no suppression, not for publication)"),
    "rep.build": ("Bericht erstellen", "Build report"),
    "rep.download": ("{fmt} herunterladen", "Download {fmt}"),
    "rep.ready": ("Bericht für {n} Programm(e), Stichtag {as_of}, erstellt.", "Report for {n} program(s), as of {as_of}, built."),
    "rep.period_error": ("Der Berichtszeitraum endet vor seinem Beginn.", "The reporting period ends before it starts."),
    # programmes (aggregate indicators)
    "prog.intro": ("Programmebene: kumulierte Ist-Werte je Jahr gegen die im jeweiligen Jahr geltenden Zielwerte "
                   "(Jahre werden nie addiert). Quelle: die geladenen Indikatordateien, z. B. die ESF-Daten der EU.",
                   "Programme level: cumulative achievements per year against the target in force that year "
                   "(years are never added). Source: the loaded indicator files, e.g. the EU's ESF open data."),
    "prog.none": ("Noch keine Indikatordaten. Laden Sie auf der Seite »Daten« z. B. die ESF-Datei der EU "
                  "(esif1420_achievements_ESF_YEI_DE.csv) oder eine eigene Tabelle (Programm, Indikator, Jahr, Ist, Soll).",
                  "No indicator data yet. Load e.g. the EU's ESF file (esif1420_achievements_ESF_YEI_DE.csv) or your "
                  "own table (programme, indicator, year, achieved, target) on the 'Data' page."),
    "prog.fund": ("Fonds", "Fund"),
    "prog.type": ("Indikatortyp", "Indicator type"),
    "prog.indicator": ("Indikator", "Indicator"),
    "prog.year": ("Jahr (bis)", "Year (up to)"),
    "prog.programme": ("Operationelles Programm (OP)", "Operational programme"),
    "prog.indicator_name": ("Indikatorname", "Indicator name"),
    "prog.breakdown": ("Aufschlüsselung", "Breakdown"),
    "prog.reason": ("Grund", "Reason"),
    "prog.title": ("Titel", "Title"),
    "prog.achieved": ("Ist (kumuliert)", "Achieved (cumulative)"),
    "prog.target": ("Soll", "Target"),
    "prog.attainment": ("Erreichung", "Attainment"),
    "prog.flag": ("Hinweis", "Flag"),
    "prog.table_caption": ("Je Programm und Indikator das jüngste Jahr mit Ist-Wert bis zum gewählten Jahr; "
                           "Aufschlüsselungen sind nur summiert, wo der Indikator es zulässt (Anzahlen).",
                           "Per programme and indicator the latest year with an achievement up to the chosen year; "
                           "breakdowns are summed only where the indicator allows it (counts)."),
    "prog.detail": ("Verlauf eines Indikators", "One indicator over the years"),
    "prog.history_caption": ("Kumulierter Ist-Wert am Jahresende und der in diesem Jahr geltende Zielwert; "
                             "◆ markiert eine Zielrevision.",
                             "Cumulative achievement at year end and the target in force that year; "
                             "◆ marks a target revision."),
    "prog.breakdowns": ("Aufschlüsselung (Prioritätsachse, Investitionspriorität, Regionenkategorie)",
                        "Breakdown (priority axis, investment priority, region category)"),
    "prog.implausible": ("Auffällige Zielwerte", "Implausible targets"),
    "prog.implausible_caption": ("Zielwerte, die zu den Ist-Werten nicht passen – etwa ein Prozentsatz, wo eine Anzahl "
                                 "erwartet wird, oder ein Vielfaches an Zielerreichung.",
                                 "Targets that do not fit the achievements — e.g. a percentage where a count is "
                                 "expected, or a multiple of the target achieved."),
    "prog.revised": ("Revision", "Revision"),
    # programmes: filters, columns and the chart note (issue 14)
    "prog.all": ("alle", "all"),
    "prog.year_row": ("Jahr", "Year"),
    "prog.years": ("Jahre", "Years"),
    "prog.unit": ("Einheit", "Unit"),
    "prog.no_target_line": (
        "Für diesen Indikator gibt es auf Programmebene keinen Zielwert (nicht jede Aufschlüsselung hat einen): "
        "die Grafik zeigt nur den Ist-Wert; die Zielwerte je Aufschlüsselung stehen in der Tabelle darunter.",
        "This indicator has no target at programme level (not every breakdown has one): the chart shows the "
        "achievement only; the targets per breakdown are in the table below."),
    "yes": ("ja", "yes"),
    "no": ("nein", "no"),
    # Ziele page: a program from scratch
    "newprog.title": ("Neues Programm anlegen", "Create a new program"),
    "newprog.name": ("Name des Programms", "Name of the program"),
    "newprog.organisation": ("Träger / Organisation", "Organisation"),
    "newprog.funder": ("Fördergeber (mehrere mit ; trennen)", "Funder (several separated by ;)"),
    "newprog.start": ("Programmbeginn", "Program start"),
    "newprog.end": ("Programmende", "Program end"),
    "newprog.create": ("Programm anlegen", "Create program"),
    "newprog.done": ("Programm »{name}« angelegt (Kennung {id}). Ziele lassen sich jetzt unten anlegen.",
                     "Program '{name}' created (id {id}). Targets can now be added below."),
    "newprog.name_missing": ("Bitte einen Namen angeben.", "Please give a name."),
}

PAGE_WORDS = text.Catalog(LABELS)


class Labels:
    """Labels in one language: L = Labels('de'); L('page.overview') -> 'Übersicht'."""

    def __init__(self, lang: str = "de"):
        self.lang = lang if lang in text.LANGS else "de"

    def __call__(self, key: str, **params) -> str:
        """The page label `key`, else the shared word of `pipelines.text` (states, fields, measures …)."""
        if key in PAGE_WORDS:
            return PAGE_WORDS.say(key, self.lang, **params)
        if key in text.CATALOG:
            return text.say(key, self.lang, **params)
        return key

    # formatting in the same language
    def num(self, value, decimals: int = 0) -> str:
        return text.number(value, self.lang, decimals)

    def pct(self, value, decimals: int = 0) -> str:
        return text.percent(value, self.lang, decimals)

    def date(self, value) -> str:
        return text.date(value, self.lang)

    @property
    def date_input_format(self) -> str:
        """The `format` of st.date_input: what L.date writes (31.08.2020 / 2020-08-31)."""
        return "DD.MM.YYYY" if self.lang == "de" else "YYYY-MM-DD"

    def status(self, status: str, vocabulary=None) -> str:
        """The label of a status ('training' -> 'Ausbildung'), from the store's vocabulary if given."""
        if vocabulary is not None and status in vocabulary:
            return vocabulary[status][0 if self.lang == "de" else 1]

        if f"status.{status}" in text.CATALOG:
            return text.say(f"status.{status}", self.lang)
        return status
