// The reference servers tktload compares ticketd against (docs/performance.md), answering
// TicketService.CreateTicket with the same request and response types:
//   --mode=noop     replies at once: the limit of gRPC itself on this machine;
//   --mode=durable  makes each request's bytes durable in RocksDB (WAL fsync) before
//                   replying, gathering the calls that arrive meanwhile into one WriteBatch
//                   per sync on one committer thread, as a well-built server would: the
//                   storage floor.
// Callback API: no thread per call; the committer finishes the reactors.
//
//   build/tests/bench/baseline_server --mode=durable --listen=127.0.0.1:0 --port_file=F --data_dir=D
#include <csignal>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

ABSL_FLAG(std::string, mode, "noop", "noop or durable");
ABSL_FLAG(std::string, listen, "127.0.0.1:0", "address to listen on");
ABSL_FLAG(std::string, port_file, "", "write the chosen port here");
ABSL_FLAG(std::string, data_dir, "/tmp/baseline-server", "RocksDB directory (durable mode)");

namespace ticketing::bench {
namespace {

using Base = v1::TicketService::WithCallbackMethod_CreateTicket<v1::TicketService::Service>;

// One thread drains everything queued into one synced WriteBatch, then completes the calls.
class Committer {
 public:
  explicit Committer(rocksdb::DB* db) : db_(db), thread_([this] { Loop(); }) {}
  ~Committer() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    thread_.join();
  }
  void Add(std::string bytes, grpc::ServerUnaryReactor* reactor) {
    absl::MutexLock lock(&mu_);
    queue_.emplace_back(std::move(bytes), reactor);
  }

 private:
  void Loop() {
    uint64_t key = 0;
    while (true) {
      std::deque<std::pair<std::string, grpc::ServerUnaryReactor*>> batch;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](Committer* c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(c->mu_) { return c->stop_ || !c->queue_.empty(); },
            this));
        if (queue_.empty()) return;  // stopping
        batch.swap(queue_);
      }
      rocksdb::WriteBatch writes;
      for (const auto& [bytes, reactor] : batch) writes.Put(absl::StrCat(++key), bytes);
      rocksdb::WriteOptions options;
      options.sync = true;
      const rocksdb::Status s = db_->Write(options, &writes);
      for (const auto& [bytes, reactor] : batch) {
        reactor->Finish(s.ok() ? grpc::Status::OK
                               : grpc::Status(grpc::StatusCode::INTERNAL, s.ToString()));
      }
    }
  }

  rocksdb::DB* db_;
  absl::Mutex mu_;
  std::deque<std::pair<std::string, grpc::ServerUnaryReactor*>> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

class BaselineService final : public Base {
 public:
  explicit BaselineService(Committer* committer) : committer_(committer) {}
  grpc::ServerUnaryReactor* CreateTicket(grpc::CallbackServerContext* context,
                                         const v1::CreateTicketRequest* request,
                                         v1::Ticket* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    response->set_summary(request->ticket().summary());
    if (committer_ == nullptr) {
      reactor->Finish(grpc::Status::OK);
    } else {
      committer_->Add(request->SerializeAsString(), reactor);
    }
    return reactor;
  }

 private:
  Committer* committer_;
};

}  // namespace
}  // namespace ticketing::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as ticketd
  using namespace ticketing::bench;
  const bool durable = absl::GetFlag(FLAGS_mode) == "durable";
  std::unique_ptr<rocksdb::DB> db;
  std::unique_ptr<Committer> committer;
  if (durable) {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status s = rocksdb::DB::Open(options, absl::GetFlag(FLAGS_data_dir), &raw);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    db.reset(raw);
    committer = std::make_unique<Committer>(db.get());
  }
  BaselineService service(committer.get());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) return 1;
  if (const std::string file = absl::GetFlag(FLAGS_port_file); !file.empty()) {
    std::ofstream(file + ".tmp") << port << "\n";
    std::rename((file + ".tmp").c_str(), file.c_str());
  }
  std::fprintf(stderr, "baseline_server mode=%s port=%d\n", durable ? "durable" : "noop", port);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown();
  committer.reset();
  return 0;
}
