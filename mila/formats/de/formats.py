# Django's German formats hold (j. F Y, H:i). Mila's own, as CLDR patterns (see mila.formats):
BABEL_LOCALE = "de_CH"
WEEKDAY_DATETIME = "EEE, d. MMM y, HH:mm"  # Do., 10. Dez. 2026, 14:00
WEEKDAY_DATETIME_NO_YEAR = "EEE, d. MMM, HH:mm"  # Do., 10. Dez., 14:00
WEEKDAY_DATE = "EEE, d. MMM y"  # Do., 10. Dez. 2026
LONG_DATE = "d. MMMM y"  # 10. Dezember 2026
MONTH_YEAR = "MMMM y"  # Dezember 2026
