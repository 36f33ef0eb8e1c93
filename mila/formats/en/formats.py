# Django's English formats are American ("Dec. 10, 2026, 2 p.m."); in Switzerland English
# puts the day first and uses the 24-hour clock.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"

# Mila's own, as CLDR patterns (see mila.formats):
BABEL_LOCALE = "en_CH"
WEEKDAY_DATETIME = "EEE d MMM y, HH:mm"  # Thu 10 Dec 2026, 14:00
WEEKDAY_DATETIME_NO_YEAR = "EEE d MMM, HH:mm"  # Thu 10 Dec, 14:00
WEEKDAY_DATE = "EEE d MMM y"  # Thu 10 Dec 2026
LONG_DATE = "d MMMM y"  # 10 December 2026
MONTH_YEAR = "MMMM y"  # December 2026
