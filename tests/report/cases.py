"""The report tests' cases: the demo's Kassel report (31.08.2020) and a site named like a formula."""

KASSEL = "sozialwirtschaft-integriert"
KASSEL_ARGS = ([KASSEL], "2018-01-01", "2020-08-31", "2020-08-31")
FORMULA = '=HYPERLINK("http://x","y")'
