SELECT dec % dec5 AS r FROM t
