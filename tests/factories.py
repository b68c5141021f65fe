"""Factories that build valid records: every related record belongs where the rules require."""

from datetime import date

import factory

from academics.choices import CourseStatus
from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    country = "BR"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Faculty {n}")
    code = factory.Sequence(lambda n: f"FAC-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    institution = factory.SubFactory(InstitutionFactory)
    code = factory.Sequence(lambda n: f"C-{n}")
    name = factory.Sequence(lambda n: f"Course {n}")
    workload_hours = 120
    status = CourseStatus.ACTIVE


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"COH-{n}")
    start_date = date(2024, 2, 1)
    end_date = date(2024, 12, 20)


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    name = factory.Sequence(lambda n: f"Student {n}")
    email = factory.Sequence(lambda n: f"student{n}@example.edu")
    date_of_birth = date(2000, 5, 17)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    student = factory.SubFactory(StudentFactory)
    cohort = factory.SubFactory(CohortFactory)
    course = factory.SelfAttribute("cohort.course")
    enrolled_at = date(2024, 2, 1)
