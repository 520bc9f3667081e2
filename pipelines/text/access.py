"""Words of people and access: refusals, login, the `outcomes user` commands, roles, audit actions.
Keys start with `access.`."""

WORDS: dict[str, tuple[str, str]] = {
    # refusals (AccessError codes)
    "access.bad_name": ("Der Name „{name}“ geht nicht: erlaubt sind Buchstaben, Ziffern und . _ @ - "
                        "(höchstens 64 Zeichen, vorne ein Buchstabe oder eine Ziffer).",
                        "The name '{name}' is not valid: use letters, digits and . _ @ - "
                        "(at most 64 characters, starting with a letter or digit)."),
    "access.name_taken": ("Ein Konto „{name}“ gibt es schon.", "An account '{name}' exists already."),
    "access.name_reserved": ("Der Name „{name}“ ist für die Kommandozeile reserviert.",
                             "The name '{name}' is reserved for the command line."),
    "access.unknown_user": ("Es gibt kein aktives Konto „{name}“.", "There is no active account '{name}'."),
    "access.unknown_role": ("Unbekannte Rolle „{role}“; möglich sind {roles}.",
                            "Unknown role '{role}'; use one of {roles}."),
    "access.unknown_program": ("Das Programm „{program}“ ist unbekannt.", "The program '{program}' is unknown."),
    "access.lead_needs_program": ("Eine Projektleitung braucht mindestens ein Programm (--program).",
                                  "A program lead needs at least one program (--program)."),
    "access.ministry_needs_funder": ("Ein Ministeriumskonto braucht einen Fördergeber (--funder).",
                                     "A ministry account needs a funder (--funder)."),
    "access.funder_only_ministry": ("Nur Ministeriumskonten haben einen Fördergeber (nicht {role}).",
                                    "Only ministry accounts have a funder (not {role})."),
    "access.programs_not_for_role": (
        "Die Rolle {role} bekommt keine Programme: Admins sehen alle, Ministerien die ihres Fördergebers.",
        "The role {role} is granted no programs: admins see all, ministries those of their funder."),
    "access.grant_not_for_role": (
        "„{name}“ ({role}) bekommt keine Programme: freigegeben wird nur Projektleitungen und Evaluation.",
        "'{name}' ({role}) is granted no programs: only program leads and evaluators are."),
    "access.password_too_short": ("Das Passwort ist zu kurz (mindestens {min} Zeichen).",
                                  "The password is too short (at least {min} characters)."),
    "access.password_too_long": ("Das Passwort ist zu lang (höchstens {max} Zeichen).",
                                 "The password is too long (at most {max} characters)."),
    "access.last_admin": ("„{name}“ ist das letzte Admin-Konto und bleibt.",
                          "'{name}' is the last admin account and stays."),
    "access.admin_only": ("Das dürfen nur Admins.", "Only admins may do this."),
    "access.forbidden": ("„{name}“ darf das Programm „{program}“ nicht ändern.",
                         "'{name}' may not change the program '{program}'."),
    "access.read_only": ("„{name}“ darf hier nur lesen: Daten laden und Ziele ändern nur Admins und die "
                         "Projektleitungen ihrer Programme.",
                         "'{name}' may only read here: only admins and the leads of their programs load data "
                         "and edit targets."),
    "access.upload_not_for_role": ("Mit dieser Rolle werden hier keine Daten geladen: das tun Admins und die "
                                   "Projektleitungen ihrer Programme.",
                                   "This role loads no data here: admins and the leads of their programs do."),
    # login
    "access.login_failed": ("Anmeldung fehlgeschlagen: Name oder Passwort stimmt nicht.",
                            "Login failed: wrong name or password."),
    "access.login_wait": ("Zu viele Fehlversuche. Bitte in {seconds} Sekunden erneut versuchen.",
                          "Too many failed attempts. Please try again in {seconds} seconds."),
    "access.session_expired": ("Die Sitzung ist abgelaufen. Bitte erneut anmelden.",
                               "The session has expired. Please log in again."),
    "access.oidc_no_email": ("Der Identitätsanbieter hat keine bestätigte E-Mail-Adresse übermittelt; so ist "
                             "keine Anmeldung möglich. Bitte an die IT der Verwaltung wenden.",
                             "The identity provider sent no verified e-mail address, so you cannot log in. "
                             "Please ask your office's IT."),
    "access.oidc_expired": ("Die Anmeldung beim Identitätsanbieter ist älter als {hours} Stunden. Bitte abmelden "
                            "und erneut anmelden.",
                            "The login at the identity provider is older than {hours} hours. Please log out and "
                            "log in again."),
    "access.oidc_unknown": ("Für {email} gibt es hier kein Konto. Ein Admin legt es an (Name: diese "
                            "E-Mail-Adresse, ohne Passwort) und gibt die Programme frei.",
                            "There is no account for {email} here. An admin creates it (name: this e-mail "
                            "address, no password) and grants the programs."),
    "access.login.oidc": ("Mit dem Konto der Verwaltung anmelden", "Log in with the office account"),
    "access.login.oidc_or": ("oder mit einem lokalen Konto:", "or with a local account:"),
    "access.login.oidc_logout": ("Beim Identitätsanbieter abmelden", "Log out at the identity provider"),
    "access.login.title": ("Anmelden", "Log in"),
    "access.login.name": ("Name", "Name"),
    "access.login.password": ("Passwort", "Password"),
    "access.login.submit": ("Anmelden", "Log in"),
    "access.login.demo": ("Dies ist der Demo-Datenbestand. Konten (Passwort jeweils „demo“): admin (Admin), "
                          "kassel (Projektleitung Sozialwirtschaft integriert), evaluation (Evaluation aller "
                          "Programme), ministerium (Hessisches Ministerium für Soziales und Integration).",
                          "This is the demo store. Accounts (password 'demo' for each): admin (admin), kassel "
                          "(program lead of Sozialwirtschaft integriert), evaluation (evaluator of every program), "
                          "ministerium (Hessian Ministry of Social Affairs and Integration)."),
    "access.login.no_accounts": (
        "Dieser Datenbestand hat noch keine Konten, daher ist keine Anmeldung möglich. Das erste Admin-Konto "
        "legt man auf der Kommandozeile an: `outcomes user add NAME --role admin --password-stdin` "
        "(das Passwort wird eingelesen). Danach diese Seite neu laden.",
        "This store has no accounts yet, so nobody can log in. Create the first admin account on the "
        "command line: `outcomes user add NAME --role admin --password-stdin` (the password is read from "
        "stdin), then reload this page."),
    "access.logged_in_as": ("Angemeldet als {name} ({role})", "Logged in as {name} ({role})"),
    "access.logout": ("Abmelden", "Log out"),
    "access.publication_note_all": (
        "Veröffentlichungssichere Zahlen wie im Bericht: * = Fallzahl unterdrückt (kleine Zahl oder aus ihr "
        "errechenbar), geprüft über alle Seiten und den Bericht zusammen.",
        "Publication-safe figures as in the report: * = count suppressed (a small number or one it can be worked "
        "out from), checked across all pages and the report together."),
    "access.ministry_view": (
        "Diese Ansicht ist für die veröffentlichungssicheren Zahlen nicht vorgesehen: nur Vergleiche nach einem "
        "Merkmal und für die Ergebnis- und Begleitungsstatus des Programms (keine selbst formulierten Gruppen, "
        "keine Zeitverläufe).",
        "This view is not available with publication-safe figures: only comparisons by one attribute and for "
        "the program's outcome and support statuses (no typed groups, no time curves)."),
    # the `outcomes user` commands
    "access.refused": ("Abgelehnt: {reason}", "Refused: {reason}"),
    "access.user_added": ("Konto „{name}“ ({role}) angelegt.", "Account '{name}' ({role}) created."),
    "access.no_password": ("„{name}“ hat kein Passwort: Anmeldung nur über den Identitätsanbieter (OIDC); "
                           "ein Passwort setzt `outcomes user passwd {name} --password-stdin`.",
                           "'{name}' has no password: login through the identity provider (OIDC) only; "
                           "`outcomes user passwd {name} --password-stdin` sets one."),
    "access.sees": ("„{name}“ sieht {count} Programm(e): {programs}", "'{name}' sees {count} program(s): {programs}"),
    "access.user_removed": ("Konto „{name}“ entfernt.", "Account '{name}' removed."),
    "access.password_changed": ("Passwort von „{name}“ geändert.", "Password of '{name}' changed."),
    "access.granted": ("„{name}“ hat jetzt Zugriff auf „{program}“.", "'{name}' now has access to '{program}'."),
    "access.granted_already": ("„{name}“ hatte schon Zugriff auf „{program}“.",
                               "'{name}' had access to '{program}' already."),
    "access.revoked": ("„{name}“ hat keinen Zugriff mehr auf „{program}“.",
                       "'{name}' no longer has access to '{program}'."),
    "access.revoked_already": ("„{name}“ hatte keinen Zugriff auf „{program}“.",
                               "'{name}' had no access to '{program}'."),
    "access.no_accounts": ("Keine Konten.", "No accounts."),
    "access.disabled": ("gesperrt", "disabled"),
    # the admin page (dashboard/app_pages/admin.py)
    "access.admin.title": ("Konten und Protokoll", "Accounts and audit log"),
    "access.admin.accounts": ("Konten", "Accounts"),
    "access.admin.col.name": ("Name", "Name"),
    "access.admin.col.role": ("Rolle", "Role"),
    "access.admin.col.funder": ("Fördergeber", "Funder"),
    "access.admin.col.programs": ("Programme", "Programs"),
    "access.admin.col.password": ("Lokales Passwort", "Local password"),
    "access.admin.col.disabled": ("Gesperrt", "Disabled"),
    "access.admin.col.created": ("Angelegt am", "Created on"),
    "access.admin.all_programs": ("alle", "all"),
    "access.admin.funder_programs": ("die des Fördergebers", "those of the funder"),
    "access.admin.tab.add": ("Konto anlegen", "Add account"),
    "access.admin.tab.grant": ("Programme freigeben", "Grant programs"),
    "access.admin.tab.password": ("Passwort zurücksetzen", "Reset password"),
    "access.admin.tab.remove": ("Konto entfernen", "Remove account"),
    "access.admin.account": ("Konto", "Account"),
    "access.admin.program": ("Programm", "Program"),
    "access.admin.programs_help": ("Projektleitung: mindestens ein Programm; Evaluation: beliebig viele; "
                                   "Admin und Ministerium bekommen keine.",
                                   "Program lead: at least one program; evaluator: any; admin and ministry: none."),
    "access.admin.choose_programs": ("Programme wählen", "Choose programs"),
    "access.admin.funder_help": ("Nur für Ministerium / Fördergeber: so wie er in den Programmdateien steht.",
                                 "Ministry / funder only: as written in the program files."),
    "access.admin.password_help": ("Mindestens {min} Zeichen. Leer lassen: Anmeldung nur über den "
                                   "Identitätsanbieter der Verwaltung.",
                                   "At least {min} characters. Leave empty: login through the office's "
                                   "identity provider only."),
    "access.admin.new_password": ("Neues Passwort", "New password"),
    "access.admin.add": ("Anlegen", "Add"),
    "access.admin.grant": ("Freigeben", "Grant"),
    "access.admin.revoke": ("Freigabe entziehen", "Revoke"),
    "access.admin.set_password": ("Passwort setzen", "Set password"),
    "access.admin.remove": ("Entfernen", "Remove"),
    "access.admin.remove_confirm": ("Ja, dieses Konto entfernen (das Protokoll behält seine Einträge)",
                                    "Yes, remove this account (the audit log keeps its entries)"),
    "access.admin.no_programs": ("Der Datenbestand hat noch keine Programme.", "The store has no programs yet."),
    "access.admin.log": ("Protokoll", "Audit log"),
    "access.admin.log_help": ("Wer hat wann was getan: Ladevorgänge, Zieländerungen, Löschungen, Konten und "
                              "Freigaben, Berichte, Anmeldungen. Nie eine Teilnehmenden-ID.",
                              "Who did what when: loads, target edits, deletions, accounts and grants, reports, "
                              "logins. Never a participant id."),
    "access.admin.filter.person": ("Person", "Person"),
    "access.admin.filter.action": ("Aktion", "Action"),
    "access.admin.filter.program": ("Programm", "Program"),
    "access.admin.filter.from": ("Von", "From"),
    "access.admin.filter.to": ("Bis", "To"),
    "access.admin.filter.all": ("alle", "all"),
    "access.admin.log_empty": ("Keine Einträge für diese Auswahl.", "No entries for this choice."),
    "access.admin.log_count": ("{count} Einträge", "{count} entries"),
    "access.admin.log_csv": ("Protokoll als CSV", "Audit log as CSV"),
    # refusals as the admin page words them: its fields, not the command line's flags
    # (access.page.<code>[.<change>]; {field} is the page's label of the field)
    "access.page.lead_needs_program": (
        "Eine Projektleitung braucht mindestens ein Programm: bitte im Feld »{field}« eines auswählen.",
        "A program lead needs at least one program: please choose one in the field '{field}'."),
    "access.page.lead_needs_program.revoked": (
        "Eine Projektleitung braucht mindestens ein Programm: erst ein anderes freigeben, dann dieses entziehen "
        "– oder das Konto entfernen.",
        "A program lead needs at least one program: grant another one first, then revoke this one – or remove "
        "the account."),
    "access.page.ministry_needs_funder": (
        "Ein Ministeriumskonto braucht einen Fördergeber: bitte im Feld »{field}« eintragen, so wie er in den "
        "Programmdateien steht.",
        "A ministry account needs a funder: please enter it in the field '{field}', as written in the program "
        "files."),
    "access.page.funder_only_ministry": (
        "Nur Ministeriumskonten haben einen Fördergeber: für die Rolle {role} bitte das Feld »{field}« leer lassen.",
        "Only ministry accounts have a funder: for the role {role} please leave the field '{field}' empty."),
    "access.page.programs_not_for_role": (
        "Die Rolle {role} bekommt keine Programme (Admins sehen alle, Ministerien die ihres Fördergebers): bitte "
        "das Feld »{field}« leer lassen.",
        "The role {role} is granted no programs (admins see all, ministries those of their funder): please leave "
        "the field '{field}' empty."),
    # roles
    "access.role.admin": ("Admin", "Admin"),
    "access.role.lead": ("Projektleitung", "Program lead"),
    "access.role.evaluator": ("Evaluation", "Evaluator"),
    "access.role.ministry": ("Ministerium / Fördergeber", "Ministry / funder"),
    # the audit log (Daten page, CSV)
    "access.action.load": ("Datei geladen", "File loaded"),
    "access.action.target_edit": ("Ziel geändert", "Target edited"),
    "access.action.deletion": ("Daten gelöscht", "Records deleted"),
    "access.action.user_add": ("Konto angelegt", "Account created"),
    "access.action.user_remove": ("Konto entfernt", "Account removed"),
    "access.action.password_change": ("Passwort geändert", "Password changed"),
    "access.action.grant": ("Programm freigegeben", "Program granted"),
    "access.action.revoke": ("Freigabe entzogen", "Grant revoked"),
    "access.action.report_download": ("Bericht heruntergeladen", "Report downloaded"),
    "access.action.login": ("Angemeldet", "Logged in"),
    "access.column.logged_at": ("Zeitpunkt", "When"),
    "access.column.actor": ("Wer", "Who"),
    "access.column.action": ("Was", "What"),
    "access.column.program_id": ("Programm", "Program"),
    "access.column.detail_json": ("Einzelheiten", "Details"),
}
