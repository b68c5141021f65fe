import random
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import tenant_context

from academics.choices import CompletionStatus, CourseStatus, InstitutionStatus, Modality
from academics.history import Actor, acting_as
from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student
from academics.roles import REGISTRAR, VIEWER, staff_user_save
from academics.services import enrollment_finalize, record_save
from academics.tenancy.clients import api_client_create
from academics.tenancy.models import ApiClient
from academics.tenancy.services import default_domain, tenant_provision

DEMO_IDENTIFIER = "demo"
DEMO_NAME = "Demo University Group"
STAFF_USERNAME = "registrar"
STAFF_PASSWORD = "registrar-demo"
VIEWER_USERNAME = "viewer"
VIEWER_PASSWORD = "viewer-demo"
# Platform staff (public schema): tenants and API clients, at the public host's admin.
PLATFORM_USERNAME = "platform"
PLATFORM_PASSWORD = "platform-demo"
# Well-known credentials of the demo tenant's API client, so the printed curl works every time.
DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"

FIRST_NAMES = [
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Elisa",
    "Fábio",
    "Gabriela",
    "Hugo",
    "Inês",
    "João",
    "Karina",
    "Lucas",
    "Mariana",
    "Nuno",
    "Olívia",
    "Pedro",
    "Queila",
    "Rafael",
    "Sofia",
    "Tiago",
]
LAST_NAMES = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Lima",
    "Pereira",
    "Costa",
    "Rodrigues",
    "Almeida",
    "Nascimento",
    "Carvalho",
    "Gomes",
]
INSTITUTIONS = [
    {
        "name": "Federal University of Technology",
        "legal_name": "Universidade Federal de Tecnologia",
        "tax_id": "12.345.678/0001-90",
        "country": "BR",
        "website": "https://uft.example.edu",
        "faculties": [("Faculty of Computing", "FC"), ("Faculty of Engineering", "FE")],
        "courses": [
            ("BCS-2024", "Bachelor of Computer Science", "Technology", 3200, CourseStatus.ACTIVE),
            (
                "BSE-2024",
                "Bachelor of Software Engineering",
                "Technology",
                3200,
                CourseStatus.ACTIVE,
            ),
            ("MDS-2025", "Master of Data Science", "Technology", 960, CourseStatus.ACTIVE),
            (
                "BEE-2019",
                "Bachelor of Electrical Engineering",
                "Engineering",
                3600,
                CourseStatus.ARCHIVED,
            ),
            ("CYB-2026", "Cybersecurity Specialization", "Technology", 420, CourseStatus.DRAFT),
        ],
    },
    {
        "name": "Northern Health Sciences College",
        "legal_name": "Northern Health Sciences College Ltd.",
        "tax_id": "98.765.432/0001-10",
        "country": "PT",
        "website": "https://nhsc.example.edu",
        "faculties": [("School of Nursing", "NUR"), ("School of Public Health", "SPH")],
        "courses": [
            ("NUR-2023", "Bachelor of Nursing", "Health", 4000, CourseStatus.ACTIVE),
            ("PH-2024", "Diploma in Public Health", "Health", 1200, CourseStatus.ACTIVE),
            ("FA-2024", "First Aid Training", "Health", 40, CourseStatus.ACTIVE),
            ("PHA-2018", "Pharmacy Technician", "Health", 1800, CourseStatus.ARCHIVED),
            ("GER-2026", "Gerontology Certificate", "Health", 360, CourseStatus.DRAFT),
        ],
    },
]


API_HOWTO = """
API (base URL http://127.0.0.1:8000/api), demo client {client_id} / {secret}:
  TOKEN=$(curl -s -X POST http://127.0.0.1:8000/api/oauth/token \\
      -d grant_type=client_credentials -d client_id={client_id} -d client_secret={secret} \\
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -sg "http://127.0.0.1:8000/api/courses?where[status]=active&sort[column]=name" \\
      -H "Authorization: Bearer $TOKEN" -H "Accept: application/json" -H "X-Tenant: demo"
"""


def ascii_slug(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class Command(BaseCommand):
    help = "Create the `demo` tenant with realistic records and a registrar login. Idempotent."

    def handle(self, *args, **options):
        result = tenant_provision(identifier=DEMO_IDENTIFIER, name=DEMO_NAME)
        # Its records' history names it, as every command's does (academics/history.py).
        with tenant_context(result.tenant), acting_as(Actor.command("seed_demo")):
            if Institution.all_objects.exists():
                self.stdout.write("Demo records already present; nothing added.")
            else:
                counts = self._seed()
                self.stdout.write(self.style.SUCCESS("Seeded demo records: ") + counts)
            self._ensure_staff_user()
        self._ensure_platform_user()
        self._ensure_api_client(result.tenant)
        self.stdout.write(
            f"\nRegistrar admin: http://{default_domain(DEMO_IDENTIFIER)}:8000/admin/"
            f"\n  registrar login (edits records): {STAFF_USERNAME} / {STAFF_PASSWORD}"
            f"\n  viewer login (read-only):        {VIEWER_USERNAME} / {VIEWER_PASSWORD}"
            "\nPlatform admin: http://localhost:8000/admin/"
            f"\n  platform login (tenants, API clients): {PLATFORM_USERNAME} / {PLATFORM_PASSWORD}"
            "\n(Demo passwords are set when a login is created; one you changed is kept.)"
        )
        self.stdout.write(API_HOWTO.format(client_id=DEMO_CLIENT_ID, secret=DEMO_CLIENT_SECRET))

    def _ensure_api_client(self, tenant):
        client = (
            ApiClient.objects.select_related("application")
            .filter(application__client_id=DEMO_CLIENT_ID)
            .first()
        )
        if client is not None:
            application = client.application
            if not check_password(DEMO_CLIENT_SECRET, application.client_secret):
                # Secrets are keyed by SECRET_KEY (docs/commands.md): a demo seeded under another
                # key gets its well-known secret stored again under this one.
                application.client_secret = DEMO_CLIENT_SECRET
                application.save()
        else:
            api_client_create(
                tenant=tenant,
                name="Demo integration",
                client_id=DEMO_CLIENT_ID,
                client_secret=DEMO_CLIENT_SECRET,
            )

    def _ensure_staff_user(self):
        # Role-based staff, not superusers: the demo shows what each role may do. A login that
        # exists keeps its password (its role is repaired).
        logins = (
            (STAFF_USERNAME, REGISTRAR, STAFF_PASSWORD),
            (VIEWER_USERNAME, VIEWER, VIEWER_PASSWORD),
        )
        existing = set(get_user_model().objects.values_list("username", flat=True))
        for username, role, password in logins:
            kept = username in existing
            staff_user_save(username=username, role=role, password=None if kept else password)

    def _ensure_platform_user(self):
        """A platform superuser in the public schema, created once (demo only)."""
        users = get_user_model().objects
        if not users.filter(username=PLATFORM_USERNAME).exists():
            users.create_superuser(PLATFORM_USERNAME, password=PLATFORM_PASSWORD)

    @transaction.atomic
    def _seed(self) -> str:
        rng = random.Random(2024)
        today = date.today()
        students = [self._student(rng, number, today) for number in range(200)]
        # A deliberate data-quality finding for the registrar's page (academics/quality.py): the
        # same person registered twice, under a second email.
        twin = students[0]
        record_save(
            record=Student(
                name=twin.name,
                email=twin.email.replace("@", ".again@"),
                date_of_birth=twin.date_of_birth,
            )
        )
        enrollments = 0
        courses = 0
        for spec in INSTITUTIONS:
            institution = record_save(
                record=Institution(
                    name=spec["name"],
                    legal_name=spec["legal_name"],
                    tax_id=spec["tax_id"],
                    country=spec["country"],
                    website=spec["website"],
                    status=InstitutionStatus.ACTIVE,
                )
            )
            faculties = [
                record_save(record=Organization(institution=institution, name=name, code=code))
                for name, code in spec["faculties"]
            ]
            for index, (code, name, area, hours, status) in enumerate(spec["courses"]):
                # Enrollments need an active course; set the final status afterwards.
                course = record_save(
                    record=Course(
                        institution=institution,
                        organization=faculties[index % len(faculties)],
                        code=code,
                        name=name,
                        area=area,
                        workload_hours=hours,
                        version=code.rsplit("-", 1)[-1],
                        status=CourseStatus.ACTIVE,
                    )
                )
                courses += 1
                if status != CourseStatus.DRAFT:
                    enrollments += self._cohorts_and_enrollments(rng, course, students, today)
                course.status = status
                record_save(record=course)
        return (
            f"2 institutions, 4 organizations, {courses} courses, 201 students, "
            f"{enrollments} enrollments."
        )

    def _student(self, rng, number, today):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        return record_save(
            record=Student(
                name=f"{first} {last}",
                email=f"{ascii_slug(first)}.{ascii_slug(last)}.{number}@students.example.edu",
                date_of_birth=today - timedelta(days=rng.randint(18 * 365, 45 * 365)),
                gender=rng.choice(["female", "male", "non-binary", None]),
            )
        )

    def _cohorts_and_enrollments(self, rng, course, students, today) -> int:
        created = 0
        for year in (today.year - 2, today.year - 1):
            start = date(year, 2, 1)
            cohort = record_save(
                record=Cohort(
                    course=course,
                    code=f"{course.code}-{year}",
                    modality=rng.choice(list(Modality)),
                    start_date=start,
                    end_date=start + timedelta(days=rng.randint(120, 1400)),
                )
            )
            for student in rng.sample(students, 32):
                status = rng.choices(list(CompletionStatus), weights=[5, 4, 1])[0]
                completed = status == CompletionStatus.COMPLETED
                enrollment = record_save(
                    record=Enrollment(
                        student=student,
                        course=course,
                        cohort=cohort,
                        enrolled_at=start,
                        completion_status=status,
                        grade=Decimal(rng.randint(500, 1000)) / 100 if completed else None,
                        completed_at=start + timedelta(days=300) if completed else None,
                    )
                )
                if completed and year == today.year - 2:
                    # Last-but-one year's results are final (docs/api.md, Enrollment lifecycle).
                    enrollment_finalize(enrollment=enrollment)
                created += 1
        return created
