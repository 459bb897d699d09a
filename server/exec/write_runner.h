#ifndef TICKETING_SERVER_EXEC_WRITE_RUNNER_H_
#define TICKETING_SERVER_EXEC_WRITE_RUNNER_H_

#include <functional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ticketing::exec {

// Runs pieces of work that write tickets and returns once their writes are durable: the
// one dependency the server's own writers (the SLA monitor, alert re-escalation, account
// re-tiering) have on the write path, passed to them in their constructors.
// WriteExecutor implements it (pieces pipelined through the group commit, never refused for
// load); InlineWrites runs them on the caller (unit tests, tools).
class WriteRunner {
 public:
  using Piece = std::function<absl::Status()>;

  virtual ~WriteRunner() = default;

  // Runs `pieces` in order and waits until every one is durable. Several may share one
  // write; each is atomic. Returns the first failure: a piece's own error (it changed
  // nothing) or the error of the write that held it. Later pieces run regardless.
  virtual absl::Status RunAll(std::vector<Piece> pieces) = 0;
};

// Runs each piece at once on the calling thread, writing straight through the store.
class InlineWrites final : public WriteRunner {
 public:
  absl::Status RunAll(std::vector<Piece> pieces) override {
    absl::Status first;
    for (Piece& piece : pieces) first.Update(piece());
    return first;
  }
};

// Runs one piece of work that returns a value through `runner`; its value once durable.
template <typename T>
absl::StatusOr<T> RunWrite(WriteRunner& runner, const std::function<absl::StatusOr<T>()>& work) {
  absl::StatusOr<T> result = absl::UnknownError("not run");
  const absl::Status written = runner.RunAll({[&] {
    result = work();
    return result.status();
  }});
  if (!written.ok()) return written;
  return result;
}

}  // namespace ticketing::exec

#endif  // TICKETING_SERVER_EXEC_WRITE_RUNNER_H_
