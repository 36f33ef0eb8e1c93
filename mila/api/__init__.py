"""The REST API under /api/v1/ (DRF, documented by drf-spectacular): the same services as the
web pages, behind input and output serializers. This package holds what every endpoint shares:
authentication, errors as problem details, pagination, languages, the schema's pieces."""
