// The integration guide's sync flow (docs/api.md), typed by the paths openapi-typescript
// generated from docs/openapi.yaml: token -> look up by code/email -> create or patch ->
// enroll -> list -> batch destroy. Prints one JSON line of what it did.
import createClient from "openapi-fetch";
import type { paths } from "./generated/schema.js";

const { BASE_URL, CLIENT_ID, CLIENT_SECRET } = process.env;
if (!BASE_URL || !CLIENT_ID || !CLIENT_SECRET) throw new Error("BASE_URL, CLIENT_ID, CLIENT_SECRET");

const api = createClient<paths>({ baseUrl: BASE_URL });

function fail(step: string, error: unknown): never {
  throw new Error(`${step}: ${JSON.stringify(error)}`);
}

// 1. A token, with the form OAuth2 clients send.
const token = await api.POST("/api/oauth/token", {
  body: { grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
  bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
});
if (!token.data) fail("token", token.error);
const auth = { Authorization: `Bearer ${token.data.access_token}` };

// 2. The tenant to send as X-Tenant, from /auth/me (which needs none).
const me = await api.GET("/api/auth/me", { headers: auth });
if (!me.data) fail("me", me.error);
const header = { "X-Tenant": me.data.data.tenant.domain };
const headers = { ...auth };
const done: string[] = [];

// 3. The institution, looked up by name, created when missing.
const institutions = await api.GET("/api/institutions", {
  params: { header, query: { "where[name]": "TypeScript University" } },
  headers,
});
if (!institutions.data) fail("institutions", institutions.error);
let institution = institutions.data.data[0];
if (!institution) {
  const created = await api.POST("/api/institutions", {
    params: { header },
    body: { name: "TypeScript University", country: "BR" },
    headers,
  });
  if (!created.data) fail("institution create", created.error);
  institution = created.data.data;
}

// 4. The course, looked up by code: patched when found, created otherwise.
const courses = await api.GET("/api/courses", {
  params: { header, query: { "where[code]": "TS-101" } },
  headers,
});
if (!courses.data) fail("courses", courses.error);
let course = courses.data.data[0];
if (course) {
  const patched = await api.PATCH("/api/courses/{uuid}", {
    params: { header, path: { uuid: course.uuid } },
    body: { name: "Typed Programming", status: "active" },
    headers,
  });
  if (!patched.data) fail("course patch", patched.error);
  course = patched.data.data;
  done.push("course patched");
} else {
  const created = await api.POST("/api/courses", {
    params: { header },
    body: { name: "Typed Programming", code: "TS-101", institution_uuid: institution.uuid, status: "active" },
    headers,
  });
  if (!created.data) fail("course create", created.error);
  course = created.data.data;
  done.push("course created");
}

// 5. The student, looked up by email: patched when found, created otherwise.
const students = await api.GET("/api/students", {
  params: { header, query: { "where[email]": "ada@typed.example" } },
  headers,
});
if (!students.data) fail("students", students.error);
let student = students.data.data[0];
if (student) {
  const patched = await api.PATCH("/api/students/{uuid}", {
    params: { header, path: { uuid: student.uuid } },
    body: { name: "Ada Typed" },
    headers,
  });
  if (!patched.data) fail("student patch", patched.error);
  student = patched.data.data;
  done.push("student patched");
} else {
  const created = await api.POST("/api/students", {
    params: { header },
    body: { name: "Ada Typed", email: "ada@typed.example", date_of_birth: "2000-01-31" },
    headers,
  });
  if (!created.data) fail("student create", created.error);
  student = created.data.data;
  done.push("student created");
}

// 6. Enroll, 7. list the course's enrollments, 8. destroy them in one batch.
const enrolled = await api.POST("/api/enrollments", {
  params: { header },
  body: { student_uuid: student.uuid, course_uuid: course.uuid, enrolled_at: "2024-02-01T00:00:00Z" },
  headers,
});
if (!enrolled.data) fail("enroll", enrolled.error);
const listed = await api.GET("/api/enrollments", {
  params: { header, query: { "where[course_uuid]": course.uuid, per_page: 100 } },
  headers,
});
if (!listed.data) fail("list", listed.error);
const uuids = listed.data.data.map((enrollment) => enrollment.uuid);
const destroyed = await api.DELETE("/api/enrollments/batch/destroy", {
  params: { header },
  body: { uuids },
  headers,
});
if (destroyed.response.status !== 204) fail("batch destroy", destroyed.error);
done.push(`${uuids.length} enrolled, listed and destroyed`);

console.log(JSON.stringify({ done, enrollment: enrolled.data.data.uuid, listed: uuids }));
