#ifndef TICKETING_SERVER_API_CALLS_H_
#define TICKETING_SERVER_API_CALLS_H_

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"
#include "server/api/admission.h"
#include "server/api/audit_record.h"
#include "server/api/rate_limiter.h"
#include "server/domain/base/interrupt.h"
#include "server/domain/base/principal.h"
#include "server/exec/audit_writer.h"
#include "server/exec/call_pool.h"
#include "server/exec/write_executor.h"

namespace ticketing::api {

// How a call runs, decided per endpoint (server/api/endpoints.h).
enum class CallKind {
  // A point read (one ticket, who am I): answered at once, on the transport's thread. It
  // takes microseconds and never waits for a lock held across a commit.
  kRead,
  // A read that may scan or take long (listings, queues, reports, the store check): on the
  // call pool, with the caller's deadline and cancellation checked inside its scans.
  kScan,
  // A ticket write: queued on the write executor and answered once durable (group commit).
  kWrite,
  // Another write that waits for the disk itself (accounts, settings, the SLA set) or for
  // the write executor (tier moves, the test clock): on the call pool.
  kBlocking,
};

// How one call runs, beyond its transport: its kind, and what the audit log needs.
struct CallSpec {
  CallSpec(CallKind kind) : kind(kind) {}  // NOLINT: a kind alone is a spec
  CallSpec(CallKind kind, bool administrative, bool heavy,
           std::shared_ptr<const google::protobuf::Message> request)
      : kind(kind), administrative(administrative), heavy(heavy), request(std::move(request)) {}

  CallKind kind;
  // An administrative action (docs/security.md, "Audit"): recorded whatever its outcome,
  // and answered only once its record is durable.
  bool administrative = false;
  // A heavy call (a report, the store check, reclassification, an import): at most
  // CallGuards::max_heavy_calls run at once.
  bool heavy = false;
  // The request, for the audit record's target (AuditTarget); may be null.
  std::shared_ptr<const google::protobuf::Message> request;
};

// A call to the domain, once admitted.
template <typename Response>
using Handler = std::function<absl::StatusOr<Response>(const domain::Principal& who,
                                                       const domain::Interrupt& interrupt)>;
// Gets the call's outcome, on whatever thread finished it. Must not block.
template <typename Response>
using Done = std::function<void(absl::StatusOr<Response>)>;

// The one road of every call, whatever the transport: admit (authenticate, deadline,
// cancellation), then run the handler where its kind says, record in the audit log what
// must be (denials, administrative actions), and hand the outcome to `done`. The
// transports (gRPC today, HTTP/JSON next) translate their calls into CallInfo and the
// outcome into their replies, and nothing else. Thread-safe.
// What guards the calls beyond admission (docs/security.md). Each may be left unset.
struct CallGuards {
  exec::AuditWriter* audit = nullptr;   // null: nothing is audited
  RateLimiter* rate_limiter = nullptr;  // null: no rate limits
  int max_heavy_calls = 0;              // 0: heavy calls are not bounded
};

class Calls {
 public:
  using Guards = CallGuards;

  // All must outlive the calls.
  Calls(const Admission& admission, exec::WriteExecutor& writes, exec::CallPool& pool,
        CallGuards guards = CallGuards())
      : admission_(admission), writes_(writes), pool_(pool), audit_(guards.audit),
        rate_limiter_(guards.rate_limiter), max_heavy_calls_(guards.max_heavy_calls) {}

  const Admission& admission() const { return admission_; }

  template <typename Response>
  void Run(const CallSpec& spec, const CallInfo& info, Handler<Response> handler,
           Done<Response> done) const {
    absl::StatusOr<domain::Principal> who = admission_.Admit(info);
    if (!who.ok()) {
      Audit(spec, info, nullptr, who.status(), nullptr);
      done(who.status());
      return;
    }
    if (audit_ != nullptr) done = Audited(spec, info, *who, std::move(done));
    // A read-only token (IdentityService) reads: every kind of write is refused it here,
    // whatever the transport and the endpoint.
    if (who->read_only && (spec.kind == CallKind::kWrite || spec.kind == CallKind::kBlocking)) {
      done(absl::PermissionDeniedError(
          absl::StrCat("user ", who->name, " presented a read-only token, which may not write")));
      return;
    }
    // After admission, so that only a known user's bucket is ever taken from.
    if (rate_limiter_ != nullptr) {
      if (absl::Status allowed = rate_limiter_->Admit(*who); !allowed.ok()) {
        done(allowed);
        return;
      }
    }
    if (spec.heavy && max_heavy_calls_ > 0) {
      if (heavy_running_.fetch_add(1) >= max_heavy_calls_) {
        heavy_running_.fetch_sub(1);
        done(RetryLaterError(absl::StrCat("too many heavy calls (reports, store checks, "
                                          "reclassifications, imports) running: ",
                                          max_heavy_calls_),
                             absl::Seconds(1)));
        return;
      }
      done = [this, done = std::move(done)](absl::StatusOr<Response> result) {
        heavy_running_.fetch_sub(1);
        done(std::move(result));
      };
    }
    domain::Interrupt interrupt(info.deadline, info.cancelled, admission_.clock());
    switch (spec.kind) {
      case CallKind::kRead:
        done(handler(*who, interrupt));
        return;
      case CallKind::kWrite:
        writes_.Submit<Response>(
            [handler = std::move(handler), who = *std::move(who),
             interrupt]() -> absl::StatusOr<Response> {
              // Queued past its deadline: not applied at all (the caller has given up).
              if (interrupt.DeadlinePassed()) {
                return absl::DeadlineExceededError("deadline passed while waiting to be written");
              }
              return handler(who, interrupt);
            },
            std::move(done));
        return;
      case CallKind::kScan:
      case CallKind::kBlocking:
        RunOnPool<Response>(*std::move(who), std::move(interrupt), std::move(handler),
                            std::move(done));
        return;
    }
  }

 private:
  template <typename Response>
  void RunOnPool(domain::Principal who, domain::Interrupt interrupt, Handler<Response> handler,
                 Done<Response> done) const {
    // `done` is shared: if the pool refuses the work, it is still here to answer.
    auto answer = std::make_shared<Done<Response>>(std::move(done));
    const bool queued = pool_.TrySubmit([who = std::move(who), interrupt, handler = std::move(handler),
                                         answer] {
      if (absl::Status stop = interrupt.Check(); !stop.ok()) {
        (*answer)(stop);  // the caller left while the call waited for a thread
        return;
      }
      (*answer)(handler(who, interrupt));
    });
    if (!queued) {
      (*answer)(absl::ResourceExhaustedError("server busy: too many calls waiting; retry later"));
    }
  }

 public:
  // Records the outcome `status` of a call by `who` (null: no valid token) when the audit
  // log must have it: a denial, or any outcome of an administrative action. `then`, when
  // given, runs once the record is durable (or at once when nothing is recorded). For the
  // calls that do not pass Run (streams).
  void Audit(const CallSpec& spec, const CallInfo& info, const domain::Principal* who,
             const absl::Status& status, std::function<void()> then) const {
    if (audit_ == nullptr || !(spec.administrative || IsDenial(status))) {
      if (then) then();
      return;
    }
    v1::AuditRecord record = MakeAuditRecord(spec.administrative && !IsDenial(status), info,
                                             who, spec.request.get(), status,
                                             admission_.clock().Now());
    if (!then) {
      audit_->Append(std::move(record));
      return;
    }
    audit_->Append(std::move(record), [then = std::move(then)](const absl::Status&) { then(); });
  }

 private:
  // `done`, preceded by Audit of the outcome: an administrative action is answered once its
  // record is durable; a denial's record is queued and the call answered at once.
  template <typename Response>
  Done<Response> Audited(const CallSpec& spec, const CallInfo& info, const domain::Principal& who,
                         Done<Response> done) const {
    CallInfo where;  // what the record needs of the call, not its token nor its callbacks
    where.method = info.method;
    where.peer = info.peer;
    return [this, spec, where = std::move(where), who,
            done = std::move(done)](absl::StatusOr<Response> result) {
      if (!spec.administrative && !IsDenial(result.status())) {
        done(std::move(result));  // the common case: nothing to record
        return;
      }
      const absl::Status status = result.status();
      auto outcome = std::make_shared<absl::StatusOr<Response>>(std::move(result));
      Audit(spec, where, &who, status, [done, outcome] { done(std::move(*outcome)); });
    };
  }

  const Admission& admission_;
  exec::WriteExecutor& writes_;
  exec::CallPool& pool_;
  exec::AuditWriter* const audit_;
  RateLimiter* const rate_limiter_;
  const int max_heavy_calls_;
  mutable std::atomic<int> heavy_running_{0};
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_CALLS_H_
