# Django's Italian formats pad the day ("03 settembre") and name the weekday in full.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

# Mila's own, as CLDR patterns (see mila.formats):
BABEL_LOCALE = "it_CH"
WEEKDAY_DATETIME = "EEE d MMM y, HH:mm"  # gio 10 dic 2026, 14:00
WEEKDAY_DATETIME_NO_YEAR = "EEE d MMM, HH:mm"  # gio 10 dic, 14:00
WEEKDAY_DATE = "EEE d MMM y"  # gio 10 dic 2026
LONG_DATE = "d MMMM y"  # 10 dicembre 2026
MONTH_YEAR = "MMMM y"  # dicembre 2026
