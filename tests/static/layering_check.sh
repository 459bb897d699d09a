#!/usr/bin/env bash
# Checks that includes follow the layers of docs/architecture.md: each rule names a folder
# and the include paths its files must not use. Prints every breach and exits 1 if any.
#
#   bash tests/static/layering_check.sh SOURCE_ROOT
set -uo pipefail
root=${1:?usage: layering_check.sh SOURCE_ROOT}
cd "$root" || exit 2
status=0

# forbid FOLDER PATTERN WHY: no file under FOLDER includes a path matching PATTERN (ERE).
forbid() {
  local folder=$1 pattern=$2 why=$3
  local hits
  hits=$(grep -rnE --include='*.h' --include='*.cc' "^#include \"($pattern)" "$folder" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering: $folder must not include $pattern ($why):"
    echo "$hits" | sed 's/^/  /'
    status=1
  fi
}

forbid proto/base 'storage/|server/' 'the base is below everything'
forbid storage 'server/' 'storage is below the server'
forbid server/exec 'server/domain/|server/api/|server/app/|grpcpp/' 'exec is below the domain'
forbid server/domain 'grpcpp/|rocksdb/|httplib|civetweb|microhttpd|boost/beast|server/api/|server/app/' 'the domain holds business rules only'
forbid server/api/admission.h 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api/admission.cc 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api/calls.h 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api/rate_limiter.h 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api/rate_limiter.cc 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api/audit_record.h 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api/audit_record.cc 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api/endpoints.h 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api/endpoints.cc 'grpcpp/|rocksdb/' 'the API face is transport-neutral'
forbid server/api 'rocksdb/' 'only storage includes RocksDB'
# Inside the domain, features point one way (docs/architecture.md, "The domain").
forbid server/domain/base 'server/domain/(tickets|sla|accounts|fieldwork|queues|escalation|dispatch|reports|audit|identity)/' 'base is below every feature'
forbid server/domain/tickets 'server/domain/(sla|accounts|fieldwork|queues|escalation|dispatch|reports)/' 'the ticket core owns its interfaces; features plug into it'
forbid server/domain/sla 'server/domain/(accounts|fieldwork|queues|escalation|dispatch|reports)/' 'sla sits on the ticket core only'
forbid server/domain/accounts 'server/domain/(sla|fieldwork|queues|escalation|dispatch|reports)/' 'accounts sit on the ticket core only'
forbid server/domain/fieldwork 'server/domain/(sla|accounts|queues|escalation|dispatch|reports)/' 'field work sits on the ticket core only'
forbid server/domain/queues 'server/domain/(accounts|fieldwork|escalation|dispatch|reports)/' 'queues sit on tickets and sla'
forbid server/domain/dispatch 'server/domain/(sla|accounts|fieldwork|queues|escalation|reports)/' 'dispatch sits on the ticket core only'
forbid server/domain/reports 'server/domain/(sla|accounts|fieldwork|queues|escalation|dispatch)/' 'reports read the store and the ticket states'

forbid server/domain/audit 'server/domain/(tickets|sla|accounts|fieldwork|queues|escalation|dispatch|reports|identity)/' 'the audit log reads its own store only'
forbid server/domain/identity 'server/domain/(tickets|sla|accounts|fieldwork|queues|escalation|dispatch|reports|audit)/' 'users and tokens sit on the base only'

[ $status = 0 ] && echo "layering: every include follows the layers"
exit $status
