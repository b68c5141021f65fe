# The month-first date style (academics/tenancy/dates.py); ISO is still accepted when typed.
DATE_FORMAT = SHORT_DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "m/d/Y H:i"
DATE_INPUT_FORMATS = ["%m/%d/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S"]
FIRST_DAY_OF_WEEK = 0  # Sunday
