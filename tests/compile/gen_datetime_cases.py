#!/usr/bin/env python3
"""Writes datetime_cases.tsv: each expression below evaluated by CPython's datetime module.

datetime_test.cc renders `{{ EXPR }}` with modules.datetime bound to `datetime` and compares the
output with str(eval(EXPR)) (or, for a raised exception, with "Type: message").
Regenerate after editing the list: python3 tests/compile/gen_datetime_cases.py
"""
import datetime
import os

EXPRESSIONS = r"""
datetime.datetime(2024, 2, 28, 23, 30) + datetime.timedelta(hours=1)
datetime.timedelta(days=2) + datetime.datetime(2024, 12, 31)
datetime.datetime(2024, 3, 1) - datetime.timedelta(days=1)
datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc) - datetime.timedelta(seconds=1)
datetime.datetime(2024, 3, 1, 0, 0, 0, 250000) - datetime.timedelta(microseconds=500000)
datetime.datetime(2024, 3, 1) - datetime.datetime(2024, 2, 1, 12)
datetime.datetime(2024, 2, 1, 12) - datetime.datetime(2024, 3, 1)
datetime.datetime(2024, 1, 1, 0, 0, 1) - datetime.datetime(2024, 1, 1)
datetime.datetime(2024, 1, 1) - datetime.datetime(2024, 1, 1, 0, 0, 0, 500000)
(datetime.datetime(2024, 3, 1) - datetime.datetime(2024, 2, 1)).days
(datetime.datetime(2024, 3, 1) - datetime.datetime(2024, 2, 1, 0, 0, 1)).seconds
(datetime.datetime(2024, 3, 1) - datetime.datetime(2024, 2, 1)).total_seconds()
datetime.date(2024, 2, 28) + datetime.timedelta(days=2)
datetime.date(2024, 1, 1) - datetime.timedelta(days=1)
datetime.date(2024, 1, 2) - datetime.timedelta(hours=1)
datetime.date(2024, 1, 2) + datetime.timedelta(hours=47)
datetime.date(2024, 3, 1) - datetime.date(2023, 3, 1)
datetime.date(2023, 3, 1) - datetime.date(2024, 3, 1)
datetime.timedelta(days=1) + datetime.timedelta(hours=2, minutes=3, seconds=4)
datetime.timedelta(days=1) - datetime.timedelta(seconds=1)
datetime.timedelta(seconds=1) - datetime.timedelta(days=1)
datetime.timedelta(0) - datetime.timedelta(microseconds=1)
datetime.timedelta(hours=1) * 3
3 * datetime.timedelta(minutes=20)
datetime.timedelta(hours=1) * -2
datetime.timedelta(seconds=1) * 1.5
datetime.timedelta(microseconds=1) * 0.5
datetime.timedelta(microseconds=3) * 0.5
datetime.timedelta(days=1) / 3
datetime.timedelta(days=1) // 7
datetime.timedelta(days=1) / datetime.timedelta(hours=1)
datetime.timedelta(days=1) // datetime.timedelta(hours=5)
datetime.timedelta(days=1) % datetime.timedelta(hours=5)
datetime.timedelta(hours=1) / 0.5
datetime.timedelta(days=1, seconds=7384)
datetime.timedelta(seconds=-1)
datetime.timedelta(milliseconds=500)
datetime.timedelta(weeks=2, days=-1, hours=25, minutes=61, seconds=61, milliseconds=1001, microseconds=1001)
datetime.timedelta(days=-3, hours=5)
datetime.timedelta(1, 2, 3, 4, 5, 6, 7)
datetime.timedelta(hours=1.5, seconds=0.25)
datetime.timedelta(days=0.5)
datetime.timedelta(seconds=0.0000005)
datetime.timedelta(seconds=0.0000015)
datetime.timedelta(minutes=0.1, milliseconds=0.0005)
datetime.timedelta(days=-1.25)
datetime.timedelta(days=3, seconds=-1).days
datetime.timedelta(days=3, seconds=-1).seconds
datetime.timedelta(days=-1, microseconds=5).microseconds
datetime.timedelta(minutes=-90).total_seconds()
datetime.timedelta(days=999999999, hours=24)
datetime.timedelta(days=-999999999)
datetime.timedelta(days='1')
datetime.datetime(2024, 1, 1) < datetime.datetime(2024, 1, 2)
datetime.datetime(2024, 1, 2) <= datetime.datetime(2024, 1, 2)
datetime.datetime(2024, 1, 2) > datetime.datetime(2024, 1, 2, 0, 0, 0, 1)
datetime.datetime(2024, 1, 2) >= datetime.datetime(2023, 12, 31)
datetime.datetime(2024, 1, 2) == datetime.datetime(2024, 1, 2)
datetime.datetime(2024, 1, 2) != datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
datetime.datetime(2024, 1, 2) == datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc) < datetime.datetime(2024, 1, 3, tzinfo=datetime.timezone.utc)
datetime.datetime(2024, 1, 2) < datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
datetime.datetime(2024, 1, 2) - datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
datetime.date(2024, 1, 1) < datetime.date(2024, 1, 2)
datetime.date(2024, 1, 1) == datetime.date(2024, 1, 1)
datetime.date(2024, 1, 1) != datetime.date(2024, 1, 1)
datetime.date(2024, 1, 1) >= datetime.date(2024, 1, 2)
datetime.timedelta(hours=24) == datetime.timedelta(days=1)
datetime.timedelta(hours=-1) < datetime.timedelta(0)
datetime.timedelta(hours=25) > datetime.timedelta(days=1)
datetime.timedelta(1) == 1
datetime.date(2024, 1, 1) == datetime.datetime(2024, 1, 1)
datetime.datetime(2024, 1, 1) < 1
{datetime.timedelta(hours=24): 1, datetime.timedelta(days=1): 2}[datetime.timedelta(seconds=86400)]
{datetime.date(2024, 5, 1): 'a'}[datetime.date(2024, 5, 1)]
{datetime.datetime(2024, 5, 1, 1): 'b'}[datetime.datetime(2024, 5, 1, 1)]
datetime.date(2024, 5, 1) in [datetime.date(2024, 4, 30), datetime.date(2024, 5, 1)]
datetime.datetime(2024, 1, 1) + datetime.datetime(2024, 1, 1)
datetime.timedelta(1) - datetime.datetime(2024, 1, 1)
datetime.datetime(9999, 12, 31, 23) + datetime.timedelta(hours=1)
datetime.date(1, 1, 1) - datetime.timedelta(days=1)
datetime.timedelta(1) / 0
datetime.timedelta(1) // datetime.timedelta(0)
datetime.timedelta(1) / datetime.timedelta(0)
datetime.datetime.strptime('2024-03-04 05:06:07.123', '%Y-%m-%d %H:%M:%S.%f')
datetime.datetime.strptime('2024-03-04T05:06:07.000001', '%Y-%m-%dT%H:%M:%S.%f')
datetime.datetime.strptime('20240304 1', '%Y%m%d %f')
datetime.datetime.strptime('07:08', '%H:%M')
datetime.datetime.strptime('2024-03-04 05:06:07+0000', '%Y-%m-%d %H:%M:%S%z')
datetime.datetime.strptime('2024-03-04', '%Y-%m-%d').microsecond
datetime.datetime.strptime('2024-03-04 x', '%Y-%m-%d %f')
datetime.datetime.strptime('2024-03-04 1234567', '%Y-%m-%d %f')
datetime.datetime.strptime('2024-02-30', '%Y-%m-%d')
datetime.datetime(2024, 3, 4, 5, 6, 7, 89).strftime('%Y%m%d %H%M%S.%f')
datetime.datetime(2024, 3, 4, 5, 6, 7, 890000).strftime('%f|%%f')
datetime.date(2024, 3, 4).strftime('%Y-%m-%d %f')
(datetime.datetime(2024, 1, 31) + datetime.timedelta(days=1)).strftime('%Y-%m-%d')
datetime.datetime(2024, 1, 2) > datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
datetime.date(2024, 1, 2) < datetime.datetime(2024, 1, 2)
datetime.datetime(2024, 1, 2) >= datetime.date(2024, 1, 2)
datetime.datetime(2024, 1, 2) == datetime.date(2024, 1, 2)
datetime.timedelta(days=1) < datetime.date(2024, 1, 2)
""".strip().splitlines()

# Expressions whose exception text the engine words its own way: only the exception type is
# compared. (None at present.)
TYPE_ONLY = set()


def main():
    out = []
    for expr in EXPRESSIONS:
        try:
            result = str(eval(expr, {"datetime": datetime}))
        except Exception as e:  # noqa: BLE001 - the exception is the expected result
            result = "!" + type(e).__name__
            if expr not in TYPE_ONLY:
                result += ": " + str(e)
        assert "\t" not in expr and "\n" not in result
        out.append(f"{expr}\t{result}\n")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "datetime_cases.tsv")
    with open(path, "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
