#ifndef TICKETING_SERVER_API_CALLS_H_
#define TICKETING_SERVER_API_CALLS_H_

#include <functional>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/api/admission.h"
#include "server/domain/base/interrupt.h"
#include "server/domain/base/principal.h"
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

// A call to the domain, once admitted.
template <typename Response>
using Handler = std::function<absl::StatusOr<Response>(const domain::Principal& who,
                                                       const domain::Interrupt& interrupt)>;
// Gets the call's outcome, on whatever thread finished it. Must not block.
template <typename Response>
using Done = std::function<void(absl::StatusOr<Response>)>;

// The one road of every call, whatever the transport: admit (authenticate, deadline,
// cancellation), then run the handler where its kind says, and hand the outcome to `done`.
// The transports (gRPC today, HTTP/JSON next) translate their calls into CallInfo and the
// outcome into their replies, and nothing else. Thread-safe.
class Calls {
 public:
  // All must outlive the calls.
  Calls(const Admission& admission, exec::WriteExecutor& writes, exec::CallPool& pool)
      : admission_(admission), writes_(writes), pool_(pool) {}

  const Admission& admission() const { return admission_; }

  template <typename Response>
  void Run(CallKind kind, const CallInfo& info, Handler<Response> handler,
           Done<Response> done) const {
    absl::StatusOr<domain::Principal> who = admission_.Admit(info);
    if (!who.ok()) {
      done(who.status());
      return;
    }
    domain::Interrupt interrupt(info.deadline, info.cancelled, admission_.clock());
    switch (kind) {
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

  const Admission& admission_;
  exec::WriteExecutor& writes_;
  exec::CallPool& pool_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_CALLS_H_
