# Django's French formats hold (j F Y, H:i). Mila's own, as CLDR patterns (see mila.formats):
BABEL_LOCALE = "fr_CH"
WEEKDAY_DATETIME = "EEE d MMM y, HH:mm"  # jeu. 10 déc. 2026, 14:00
WEEKDAY_DATETIME_NO_YEAR = "EEE d MMM, HH:mm"  # jeu. 10 déc., 14:00
WEEKDAY_DATE = "EEE d MMM y"  # jeu. 10 déc. 2026
LONG_DATE = "d MMMM y"  # 10 décembre 2026
MONTH_YEAR = "MMMM y"  # décembre 2026
