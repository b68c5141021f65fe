"""Lists (docs/api.md, Lists): `where[...]` (`where.py`), `search`, `sort[...]` on top of
django-filter, and `page` / `per_page` pagination with Laravel's `meta` block."""

import re

import django_filters
from django.db import models
from django.db.models import Func, Subquery, Value
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from academics.api import messages as api_msg
from academics.api.where import where_conditions
from academics.api.wording import attribute, invalid

DEFAULT_PER_PAGE = 15
MAX_PER_PAGE = 100
# Keeps the row offset within PostgreSQL's bigint; no list is that long.
MAX_PAGE = 1_000_000_000
ASCII_DIGITS = re.compile(r"[0-9]+")
# The column that carries a list's total next to each row of its page.
TOTAL = "_list_total"


class RecordFilterSet(django_filters.FilterSet):
    """A resource's `where[...]` allow-list: each declared filter names a field and the form
    field its values are read with; `operators` (filled by `filters.filterset_for`) says which
    operators each takes (`where.py`)."""

    operators: dict[str, tuple[str, ...]] = {}


class ContractFilterBackend:
    """`where[...]` (AND, see `where.py`), `search=text`, `sort[column]` / `sort[order]`.
    Unknown fields, operators and malformed values are 422s naming the parameter."""

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        condition, errors = where_conditions(params, view.filterset_class)
        ordering = self._ordering(params, view, errors)
        search = params.get("search", "").strip()
        if "\x00" in search:
            errors["search"] = [api_msg.NULL_CHARACTERS.format(attribute="search")]
        if errors:
            # Every problem at once: a bad `per_page` is named next to a bad `where[...]`.
            if getattr(view, "paginator", None) is not None:
                view.paginator.check_parameters(request, errors)
            raise invalid(errors)
        if condition:
            queryset = queryset.filter(condition)
        if search and view.search_fields:
            matches = models.Q()
            for path in view.search_fields:
                matches |= models.Q(**{f"{path}__icontains": search})
            queryset = queryset.filter(matches)
        return queryset.order_by(*ordering)

    @staticmethod
    def _ordering(params, view, errors) -> list[str]:
        column = params.get("sort[column]")
        order = params.get("sort[order]", "asc")
        if order not in ("asc", "desc"):
            errors["sort[order]"] = [api_msg.SELECTED_INVALID.format(attribute="sort[order]")]
        if column is None:
            return ["created_at", "uuid"]
        if column not in view.sort_fields:
            errors["sort[column]"] = [api_msg.SELECTED_INVALID.format(attribute="sort[column]")]
            return []
        # uuid breaks ties, so that pages never overlap or skip rows.
        sign = "-" if order == "desc" else ""
        return [sign + column, sign + "uuid"]


def int_param(params, name, default, errors, *, minimum=1, maximum=None) -> int:
    """Query parameter `name` as a whole number in [minimum, maximum]; `default` when absent.
    A problem goes into `errors` under the parameter's name."""
    raw = params.get(name)
    if raw is None:
        return default
    # Plain ASCII digits: int() would also take "+5", "1_0" and other scripts' digits.
    if not ASCII_DIGITS.fullmatch(raw):
        errors[name] = [api_msg.INTEGER.format(attribute=attribute(name))]
        return default
    value = int(raw)
    if value < minimum:
        errors[name] = [api_msg.MIN_NUMBER.format(attribute=attribute(name), min=minimum)]
    elif maximum is not None and value > maximum:
        errors[name] = [api_msg.MAX_NUMBER.format(attribute=attribute(name), max=maximum)]
    return value


class PagePagination(BasePagination):
    """`page` (from 1) and `per_page` (default 15, at most 100) with Laravel's `meta` block.

    The total rides along with the page: the page query carries an uncorrelated
    `(SELECT COUNT(1) ... same filters)` column, which PostgreSQL evaluates once, so a list
    costs one statement (a separate COUNT only when the page is empty)."""

    def check_parameters(self, request, found: dict | None = None) -> None:
        """`page` and `per_page` of the request; a 422 naming each bad one, with the problems
        `found` in the other parameters."""
        errors: dict[str, list[str]] = dict(found or {})
        self.page = int_param(request.query_params, "page", 1, errors, maximum=MAX_PAGE)
        self.per_page = int_param(
            request.query_params, "per_page", DEFAULT_PER_PAGE, errors, maximum=MAX_PER_PAGE
        )
        if errors:
            raise invalid(errors)

    def paginate_queryset(self, queryset, request, view=None):
        self.check_parameters(request)
        self.queryset = queryset
        counted = queryset.order_by().annotate(**{TOTAL: Func(Value(1), function="COUNT")})
        offset = (self.page - 1) * self.per_page
        total = Subquery(counted.values(TOTAL), output_field=models.IntegerField())
        return queryset.annotate(**{TOTAL: total})[offset : offset + self.per_page]

    def resume(self, *, page: int, per_page: int) -> None:
        """Take up a page whose parameters were validated by an earlier request."""
        self.page, self.per_page = page, per_page

    def get_paginated_response(self, data):
        """`data`: the page's rows, each still holding the TOTAL column."""
        total = data[0][TOTAL] if data else self.queryset.count()
        for row in data:
            del row[TOTAL]
        return Response({"data": data, "meta": self.meta(len(data), total)})

    def meta(self, shown: int, total: int) -> dict:
        """Laravel's `meta` block of a page showing `shown` of `total` items."""
        offset = (self.page - 1) * self.per_page
        return {
            "current_page": self.page,
            "per_page": self.per_page,
            "total": total,
            "last_page": max(1, -(-total // self.per_page)),
            "from": offset + 1 if shown else None,
            "to": offset + shown if shown else None,
        }
