"""The floor for bench/throughput.py: the least a server can do to answer the enrollment list.

A bare WSGI app, served by the same gunicorn settings as the project: no Django, no
authentication, no tenant routing. One persistent psycopg connection per worker, one SQL query
(page and total together), `json.dumps`. Configured by environment: FLOOR_DSN, FLOOR_SCHEMA.
"""

import json
import os

import psycopg

PAGE_SQL = """
SELECT e.uuid::text, e.completion_status, e.grade::float8,
       to_char(e.enrolled_at, 'YYYY-MM-DD"T00:00:00.000000Z"'),
       to_char(e.completed_at, 'YYYY-MM-DD"T00:00:00.000000Z"'),
       s.uuid::text, s.name, c.uuid::text, c.name, h.uuid::text, h.code,
       to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(e.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(e.finalized_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       (SELECT count(*) FROM {schema}.academics_enrollment WHERE deleted_at IS NULL)
FROM {schema}.academics_enrollment e
JOIN {schema}.academics_student s ON s.id = e.student_id
JOIN {schema}.academics_course c ON c.id = e.course_id
LEFT JOIN {schema}.academics_cohort h ON h.id = e.cohort_id
WHERE e.deleted_at IS NULL
ORDER BY e.created_at, e.uuid
LIMIT %s
"""

_connection = None


def _rows(per_page: int):
    global _connection
    if _connection is None:
        _connection = psycopg.connect(os.environ["FLOOR_DSN"], autocommit=True)
    sql = PAGE_SQL.format(schema=os.environ["FLOOR_SCHEMA"])
    with _connection.cursor() as cursor:
        cursor.execute(sql, [per_page])
        return cursor.fetchall()


def page_json(per_page: int) -> bytes:
    rows = _rows(per_page)
    total = rows[0][-1] if rows else 0
    data = [
        {
            "uuid": row[0],
            "completion_status": row[1],
            "grade": row[2],
            "enrolled_at": row[3],
            "completed_at": row[4],
            "finalized_at": row[13],
            "student": {"uuid": row[5], "name": row[6]},
            "course": {"uuid": row[7], "name": row[8]},
            "cohort": {"uuid": row[9], "code": row[10]} if row[9] else None,
            "created_at": row[11],
            "updated_at": row[12],
        }
        for row in rows
    ]
    meta = {
        "current_page": 1,
        "per_page": per_page,
        "total": total,
        "last_page": max(1, -(-total // per_page)),
        "from": 1 if data else None,
        "to": len(data) or None,
    }
    return json.dumps({"data": data, "meta": meta}).encode()


def application(environ, start_response):
    body = page_json(15)
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
