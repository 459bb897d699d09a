// tktload: a closed-loop load generator for ticketd (and for the baseline servers of
// tests/bench/baseline_server.cc, which answer CreateTicket the same way). Keeps
// --concurrency calls in flight over --channels connections with gRPC's callback API (no
// thread per call), for --warmup then --duration, and prints one JSON line: ok and error
// counts by status code, rate, latency percentiles and the client's CPU time.
//
//   tktload --addr=127.0.0.1:50051 --token=... --scenario=create --concurrency=64
//
// Scenarios: create (unique request ids), comment (AddComment on tickets created during
// setup), list (a page of 50 of a filtered ListTickets). docs/performance.md.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "ticketing/v1/account.grpc.pb.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "server address");
ABSL_FLAG(std::string, token, "", "bearer token (an agent's)");
ABSL_FLAG(std::string, scenario, "create", "create, comment or list");
ABSL_FLAG(int, concurrency, 64, "calls in flight");
ABSL_FLAG(int, channels, 8, "connections");
ABSL_FLAG(double, duration, 5, "seconds measured");
ABSL_FLAG(double, warmup, 1, "seconds run before measuring");
ABSL_FLAG(int, setup_tickets, 200, "tickets created first for the comment scenario");
ABSL_FLAG(std::string, label, "", "a name for this run in the JSON line");

namespace ticketing::load {
namespace {

using Stub = v1::TicketService::Stub;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(30)) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (const std::string token = absl::GetFlag(FLAGS_token); !token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

v1::CreateTicketRequest CreateRequest(const std::string& request_id, int account) {
  v1::CreateTicketRequest request;
  request.set_request_id(request_id);
  v1::Ticket& t = *request.mutable_ticket();
  t.set_kind(v1::TICKET_KIND_REPAIR);
  t.set_account_id(absl::StrCat("load-", account % 50));
  t.set_summary("Printer jams on every page");
  t.set_description("Paper jams in tray 2 after about ten pages; cleaned the rollers, no change.");
  t.mutable_contact()->set_name("Wang Wei");
  t.mutable_contact()->set_phone("+86 571 8888 0000");
  t.set_product("LJ-5200");
  t.set_queue(absl::StrCat("team-", account % 5));
  t.set_region("cn/zhejiang/hangzhou");
  return request;
}

// What every in-flight slot records; a slot's calls run one after another, so no lock.
struct Slot {
  std::vector<double> latencies_ms;
  std::map<int, int64_t> codes;
  int64_t sequence = 0;
};

class Run {
 public:
  Run(std::vector<std::shared_ptr<grpc::Channel>> channels, std::vector<std::string> tickets)
      : tickets_(std::move(tickets)) {
    for (auto& channel : channels) stubs_.push_back(v1::TicketService::NewStub(channel));
  }

  // Runs warm-up then the measured window; returns the JSON line.
  std::string Go() {
    const int concurrency = absl::GetFlag(FLAGS_concurrency);
    slots_.resize(concurrency);
    start_ = absl::Now();
    measure_from_ = start_ + absl::Seconds(absl::GetFlag(FLAGS_warmup));
    stop_at_ = measure_from_ + absl::Seconds(absl::GetFlag(FLAGS_duration));
    const double cpu_start = CpuSeconds();
    double cpu_at_measure = cpu_start;
    running_ = concurrency;
    for (int i = 0; i < concurrency; ++i) Issue(i);
    absl::SleepFor(measure_from_ - absl::Now());
    cpu_at_measure = CpuSeconds();
    done_.WaitForNotification();
    return Report(CpuSeconds() - cpu_at_measure);
  }

 private:
  // Starts slot `i`'s next call, or retires the slot when the run is over.
  void Issue(int i) {
    if (absl::Now() >= stop_at_) {
      if (--running_ == 0) done_.Notify();
      return;
    }
    Slot& slot = slots_[i];
    Stub* stub = stubs_[i % stubs_.size()].get();
    const std::string scenario = absl::GetFlag(FLAGS_scenario);
    auto context = Context(absl::Seconds(10));
    grpc::ClientContext* raw = context.release();
    const absl::Time sent = absl::Now();
    auto finish = [this, i, raw, sent](grpc::Status status) {
      delete raw;
      Record(i, sent, status);
      Issue(i);
    };
    const int64_t n = ++slot.sequence;
    if (scenario == "create") {
      auto* request = new v1::CreateTicketRequest(CreateRequest(absl::StrCat(run_id_, "-", i, "-", n), i));
      auto* response = new v1::Ticket;
      stub->async()->CreateTicket(raw, request, response, [=](grpc::Status s) {
        delete request;
        delete response;
        finish(s);
      });
    } else if (scenario == "comment") {
      auto* request = new v1::AddCommentRequest;
      request->set_ticket_id(tickets_[(i * 7919 + n) % tickets_.size()]);
      request->set_body("Called the customer: the part arrives tomorrow morning.");
      auto* response = new v1::AddCommentResponse;
      stub->async()->AddComment(raw, request, response, [=](grpc::Status s) {
        delete request;
        delete response;
        finish(s);
      });
    } else {
      auto* request = new v1::ListTicketsRequest;
      request->set_queue(absl::StrCat("team-", n % 5));
      request->add_statuses(v1::TICKET_STATUS_NEW);
      request->set_page_size(50);
      auto* response = new v1::ListTicketsResponse;
      stub->async()->ListTickets(raw, request, response, [=](grpc::Status s) {
        delete request;
        delete response;
        finish(s);
      });
    }
  }

  void Record(int i, absl::Time sent, const grpc::Status& status) {
    const absl::Time now = absl::Now();
    if (sent < measure_from_ || now > stop_at_) return;  // warm-up, or past the window
    Slot& slot = slots_[i];
    ++slot.codes[status.error_code()];
    if (status.ok()) slot.latencies_ms.push_back(absl::ToDoubleMilliseconds(now - sent));
  }

  std::string Report(double cpu_s) {
    std::vector<double> all;
    std::map<int, int64_t> codes;
    for (const Slot& slot : slots_) {
      all.insert(all.end(), slot.latencies_ms.begin(), slot.latencies_ms.end());
      for (const auto& [code, n] : slot.codes) codes[code] += n;
    }
    std::sort(all.begin(), all.end());
    const auto at = [&](double q) {
      return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(q * all.size()))];
    };
    std::string errors;
    int64_t failed = 0;
    for (const auto& [code, n] : codes) {
      if (code == 0) continue;
      failed += n;
      absl::StrAppend(&errors, errors.empty() ? "" : ",", "\"", code, "\":", n);
    }
    const double seconds = absl::GetFlag(FLAGS_duration);
    return absl::StrCat(
        "{\"label\":\"", absl::GetFlag(FLAGS_label), "\",\"scenario\":\"", absl::GetFlag(FLAGS_scenario),
        "\",\"addr\":\"", absl::GetFlag(FLAGS_addr), "\",\"concurrency\":", absl::GetFlag(FLAGS_concurrency),
        ",\"channels\":", absl::GetFlag(FLAGS_channels), ",\"seconds\":", seconds,
        ",\"ok\":", all.size(), ",\"errors\":{", errors, "},\"failed\":", failed,
        ",\"rate\":", static_cast<int64_t>(static_cast<double>(all.size()) / seconds),
        ",\"p50_ms\":", at(0.5), ",\"p90_ms\":", at(0.9), ",\"p99_ms\":", at(0.99),
        ",\"p999_ms\":", at(0.999), ",\"max_ms\":", all.empty() ? 0.0 : all.back(),
        ",\"client_cpu_s\":", cpu_s, "}");
  }

  std::vector<std::unique_ptr<Stub>> stubs_;
  std::vector<std::string> tickets_;
  std::vector<Slot> slots_;
  const std::string run_id_ = absl::StrCat("load-", absl::ToUnixMicros(absl::Now()));
  absl::Time start_, measure_from_, stop_at_;
  std::atomic<int> running_{0};
  absl::Notification done_;
};

// Creates the accounts the requests name (ignoring ALREADY_EXISTS and servers without
// accounts) and, for the comment scenario, tickets to comment on.
std::vector<std::string> Setup(const std::shared_ptr<grpc::Channel>& channel) {
  auto accounts = v1::AccountService::NewStub(channel);
  for (int i = 0; i < 50; ++i) {
    v1::CreateAccountRequest request;
    request.mutable_account()->set_id(absl::StrCat("load-", i));
    request.mutable_account()->set_name(absl::StrCat("Load account ", i));
    request.mutable_account()->set_channel_tier(v1::CHANNEL_TIER_SMALL_RETAIL);
    v1::Account account;
    accounts->CreateAccount(Context().get(), request, &account);  // result ignored
  }
  std::vector<std::string> tickets;
  if (absl::GetFlag(FLAGS_scenario) != "comment") return tickets;
  auto stub = v1::TicketService::NewStub(channel);
  const std::string prefix = absl::StrCat("setup-", absl::ToUnixMicros(absl::Now()), "-");
  for (int i = 0; i < absl::GetFlag(FLAGS_setup_tickets); ++i) {
    v1::Ticket ticket;
    grpc::Status s = stub->CreateTicket(Context().get(), CreateRequest(prefix + std::to_string(i), i), &ticket);
    if (!s.ok()) {
      std::fprintf(stderr, "setup: CreateTicket failed: %s\n", s.error_message().c_str());
      std::exit(1);
    }
    tickets.push_back(ticket.id());
  }
  return tickets;
}

}  // namespace
}  // namespace ticketing::load

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("tktload: load generator for ticketd; one JSON line per run");
  absl::ParseCommandLine(argc, argv);
  using namespace ticketing::load;
  const std::string scenario = absl::GetFlag(FLAGS_scenario);
  if (scenario != "create" && scenario != "comment" && scenario != "list") {
    std::fprintf(stderr, "--scenario must be create, comment or list\n");
    return 2;
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_channels)); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("load-channel", i);  // distinct arguments: a connection each
    channels.push_back(grpc::CreateCustomChannel(absl::GetFlag(FLAGS_addr),
                                                 grpc::InsecureChannelCredentials(), args));
  }
  std::vector<std::string> tickets = Setup(channels[0]);
  Run run(channels, std::move(tickets));
  std::printf("%s\n", run.Go().c_str());
  return 0;
}
