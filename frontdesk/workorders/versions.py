"""Which definition runs an order: the current file for a new order, and for an existing one the
version it started under, even after the file has changed."""

from django.db import IntegrityError, transaction

from frontdesk.core import clock
from frontdesk.workorders import loader
from frontdesk.workorders.models import ProcedureVersion, WorkOrder
from frontdesk.workorders.procedure import Procedure


def current_procedure(service_type: str) -> Procedure | None:
    return loader.load_procedures().get(service_type)


def version_row(procedure: Procedure) -> ProcedureVersion:
    """The stored row of this exact definition, created the first time an order uses it."""
    row = (
        ProcedureVersion.objects.filter(key=procedure.key, digest=procedure.digest).only("id", "key", "digest").first()
    )
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return ProcedureVersion.objects.create(
                key=procedure.key, digest=procedure.digest, definition=procedure.definition, created_at=clock.now()
            )
    except IntegrityError:  # another intake stored it a moment ago
        return ProcedureVersion.objects.get(key=procedure.key, digest=procedure.digest)


def procedure_of(order: WorkOrder) -> Procedure:
    """The definition the order runs under. Parsed once per process per version: the digest
    names the content, so the cache can never hand out another version's definition."""
    version = order.procedure_version
    procedure = loader.cached(version.digest)
    if procedure is None:
        definition = ProcedureVersion.objects.values_list("definition", flat=True).get(id=version.id)
        procedure = loader.from_definition(definition, source=f"{version.key} (stored version {version.digest[:12]})")
    return procedure
