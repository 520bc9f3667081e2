"""Words of the `outcomes` command's own sentences. Keys start with `cli.`."""

WORDS: dict[str, tuple[str, str]] = {
    "cli.init_done": ("Datenbank {path} bereit (Schema-Version {version}).", "Store {path} ready (schema version {version})."),
    "cli.more_problems": ("… und {n} weitere", "… and {n} more"),
    "cli.nothing_stored": ("Nichts wurde gespeichert. Datei korrigieren und erneut laden "
                           "(oder --lenient: gute Zeilen laden, fehlerhafte abweisen).",
                           "Nothing was stored. Correct the file and load it again "
                           "(or --lenient: load good rows, reject bad ones)."),
    "cli.rejects_file": ("Abgewiesene Zeilen: {path}", "Rejected rows: {path}"),
    "cli.demo_exists": ("{path} gibt es schon (--force baut die Demo neu).", "{path} exists already (--force rebuilds the demo)."),
    "cli.demo_built": ("Demo-Datenbank {path} gebaut: {n} Dateien geladen.", "Demo store {path} built: {n} files loaded."),
    "cli.unknown_program": ("Programm {program} ist unbekannt.", "Program {program} is unknown."),
    "cli.unknown_programs": ("Unbekannte(s) Programm(e): {unknown}; bekannt: {known}.",
                             "Unknown program(s): {unknown}; known: {known}."),
    "cli.deleted": ("{participants} Teilnehmende und {episodes} Episoden gelöscht (protokolliert).",
                    "{participants} participants and {episodes} episodes deleted (logged)."),
    "cli.as_of": ("Stichtag", "as of"),
    "cli.entered": ("Eingetreten", "Entered"),
    "cli.in_program": ("Im Programm", "In the program"),
    "cli.status": ("Status", "Status"),
    "cli.active_on_date": ("aktiv am Stichtag", "active on date"),
    "cli.reached_since_start": ("erreicht seit Beginn", "reached since start"),
    "cli.no_targets": ("Keine Ziele hinterlegt.", "No targets."),
    "cli.compare_needs": ("--by FELD oder --group 'NAME: FILTER' angeben.", "Give --by FIELD or --group 'NAME: FILTER'."),
    "cli.too_small": ("zu klein", "too small"),
    "cli.group": ("Gruppe", "Group"),
    "cli.reached": ("erreicht", "reached"),
    "cli.share": ("Anteil", "share"),
    "cli.no_indicators": ("Keine Indikatorwerte für diese Auswahl.", "No indicator values for this selection."),
    "cli.indicators.programme": ("Operationelles Programm", "Operational programme"),
    "cli.indicators.indicator": ("Indikator", "Indicator"),
    "cli.indicators.type": ("Typ", "Type"),
    "cli.indicators.breakdown": ("Aufschlüsselung", "Breakdown"),
    "cli.indicators.year": ("Jahr", "Year"),
    "cli.indicators.achieved": ("Ist", "Achieved"),
    "cli.indicators.target": ("Soll", "Target"),
    "cli.indicators.flag": ("Hinweis", "Flag"),
    "cli.report_written": ("Bericht geschrieben: {path} ({seconds} s)", "Report written: {path} ({seconds} s)"),
    "cli.refused": ("Abgelehnt: {detail}", "Refused: {detail}"),
    "cli.error": ("Fehler: {detail}", "Error: {detail}"),
    "cli.store_busy": ("Datenbank wird gerade aktualisiert … (wartet auf die laufende Ladung)",
                       "The store is being updated … (waiting for the running load)"),
    "cli.store_busy_gave_up": ("Die Datenbank wird noch aktualisiert: nach {seconds} s aufgegeben. Bitte später erneut "
                               "versuchen (Wartezeit: OUTCOMES_WRITE_WAIT_S).",
                               "The store is still being updated: gave up after {seconds} s. Please try again later "
                               "(wait limit: OUTCOMES_WRITE_WAIT_S)."),
    "cli.store_copied": ("{source} nach {target} kopiert: {tables} Tabellen, {rows} Zeilen.",
                         "Copied {source} to {target}: {tables} tables, {rows} rows."),
    "cli.demo_on_lake": ("Die Demo wird in eine Datei gebaut; mit `outcomes store copy --to …` kommt sie in den "
                         "gemeinsamen Speicher (DuckLake).",
                         "The demo is built into a file; `outcomes store copy --to …` moves it into the shared "
                         "store (DuckLake)."),
    "cli.snapshot_needs_lake": ("--snapshot gibt es nur für den gemeinsamen Speicher (DuckLake).",
                                "--snapshot exists for the shared store (DuckLake) only."),
    "copy.same_store": ("Quelle und Ziel sind dieselbe Datenbank.", "Source and target are the same store."),
    "copy.target_not_empty": ("Die Zieldatenbank ist nicht leer (Tabelle {table}); kopiert wird nur in eine leere.",
                              "The target store is not empty (table {table}); copies go into an empty store only."),
    "copy.schema_differs": ("Die Quelle hat Schema-Version {source}, dieses Programm {program}: erst "
                            "`outcomes init --db …` auf der Quelle ausführen.",
                            "The source has schema version {source}, this program {program}: run "
                            "`outcomes init --db …` on the source first."),
}
