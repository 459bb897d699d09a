#ifndef TICKETING_TESTS_E2E_E2E_CLIENT_H_
#define TICKETING_TESTS_E2E_E2E_CLIENT_H_

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/client_context.h"
#include "tests/testing/server_process.h"
#include "ticketing/v1/account.grpc.pb.h"
#include "ticketing/v1/admin_service.grpc.pb.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"
#include "tests/testing/transitions.h"

namespace ticketing::testing {

// The generated stubs of one user (one bearer token), each call turned into
// absl::StatusOr so that tests can use IsOk() / StatusIs(). Every call has its own deadline
// of `timeout`. Thread-safe (stubs and channels are).
//
//   E2eClient alice(server.Channel(), kAgentToken);
//   absl::StatusOr<v1::Ticket> t = alice.Create(request);
class E2eClient {
 public:
  E2eClient(std::shared_ptr<grpc::Channel> channel, std::string token,
            absl::Duration timeout = absl::Seconds(10))
      : tickets_(v1::TicketService::NewStub(channel)),
        admin_(v1::AdminService::NewStub(channel)),
        accounts_(v1::AccountService::NewStub(channel)),
        token_(std::move(token)),
        timeout_(timeout) {}

  // Creates the ticket's account first when this client has not seen it (see
  // EnsureAccount), so tests about tickets need not set up accounts.
  absl::StatusOr<v1::Ticket> Create(const v1::CreateTicketRequest& request) const {
    EnsureAccount(request.ticket().account_id());
    return CreateOnly(request);
  }
  // CreateTicket as is: an unknown account fails.
  absl::StatusOr<v1::Ticket> CreateOnly(const v1::CreateTicketRequest& request) const {
    return Call(&v1::TicketService::Stub::CreateTicket, *tickets_, request);
  }
  // Creates account `id` (a STANDARD consumer named after it) unless this client did
  // already; an account that exists, or a caller who may not create accounts, is left to
  // the call that follows.
  void EnsureAccount(const std::string& id) const {
    {
      absl::MutexLock lock(&mu_);
      if (known_accounts_.count(id) != 0) return;
    }
    // Threads sharing this client may both create it; one gets ALREADY_EXISTS. Either way
    // the account exists when this returns, which is what the caller's create needs.
    v1::CreateAccountRequest request;
    request.mutable_account()->set_id(id);
    request.mutable_account()->set_name(absl::StrCat("Customer ", id));
    request.mutable_account()->set_channel_tier(v1::CHANNEL_TIER_CONSUMER);
    CreateAccount(request).IgnoreError();
    absl::MutexLock lock(&mu_);
    known_accounts_.insert(id);
  }
  absl::StatusOr<v1::Account> CreateAccount(const v1::CreateAccountRequest& request) const {
    return Call(&v1::AccountService::Stub::CreateAccount, *accounts_, request);
  }
  absl::StatusOr<v1::Account> GetAccount(const std::string& id) const {
    v1::GetAccountRequest request;
    request.set_id(id);
    return Call(&v1::AccountService::Stub::GetAccount, *accounts_, request);
  }
  absl::StatusOr<v1::ReclassifyAccountsResponse> Reclassify(bool apply) const {
    v1::ReclassifyAccountsRequest request;
    request.set_apply(apply);
    return Call(&v1::AccountService::Stub::ReclassifyAccounts, *accounts_, request);
  }
  absl::StatusOr<v1::Account> SetServiceTier(const v1::SetServiceTierRequest& request) const {
    return Call(&v1::AccountService::Stub::SetServiceTier, *accounts_, request);
  }
  absl::StatusOr<v1::ListWorkQueueResponse> WorkQueue(
      const v1::ListWorkQueueRequest& request) const {
    return Call(&v1::TicketService::Stub::ListWorkQueue, *tickets_, request);
  }
  absl::StatusOr<v1::Ticket> Get(const std::string& id) const {
    v1::GetTicketRequest request;
    request.set_id(id);
    return Call(&v1::TicketService::Stub::GetTicket, *tickets_, request);
  }
  absl::StatusOr<v1::ListTicketsResponse> List(const v1::ListTicketsRequest& request) const {
    return Call(&v1::TicketService::Stub::ListTickets, *tickets_, request);
  }
  absl::StatusOr<v1::Ticket> Update(const v1::UpdateTicketRequest& request) const {
    return Call(&v1::TicketService::Stub::UpdateTicket, *tickets_, request);
  }
  absl::StatusOr<v1::Ticket> Transition(const v1::TransitionTicketRequest& request) const {
    return Call(&v1::TicketService::Stub::TransitionTicket, *tickets_, request);
  }
  absl::StatusOr<v1::Ticket> Assign(const v1::AssignTicketRequest& request) const {
    return Call(&v1::TicketService::Stub::AssignTicket, *tickets_, request);
  }
  absl::StatusOr<v1::AddCommentResponse> Comment(const v1::AddCommentRequest& request) const {
    return Call(&v1::TicketService::Stub::AddComment, *tickets_, request);
  }
  absl::StatusOr<v1::ListTicketEventsResponse> Events(
      const v1::ListTicketEventsRequest& request) const {
    return Call(&v1::TicketService::Stub::ListTicketEvents, *tickets_, request);
  }
  absl::StatusOr<v1::VerifyStoreResponse> VerifyStore() const {
    return Call(&v1::AdminService::Stub::VerifyStore, *admin_, v1::VerifyStoreRequest());
  }
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI() const {
    return Call(&v1::AdminService::Stub::WhoAmI, *admin_, v1::WhoAmIRequest());
  }
  absl::StatusOr<v1::ListAuditRecordsResponse> Audit(
      const v1::ListAuditRecordsRequest& request) const {
    return Call(&v1::AdminService::Stub::ListAuditRecords, *admin_, request);
  }
  absl::StatusOr<v1::SlaConfig> GetSlaConfig() const {
    return Call(&v1::AdminService::Stub::GetSlaConfig, *admin_, v1::GetSlaConfigRequest());
  }
  absl::StatusOr<v1::SlaConfig> ReplaceSlaConfig(const v1::ReplaceSlaConfigRequest& request) const {
    return Call(&v1::AdminService::Stub::ReplaceSlaConfig, *admin_, request);
  }

  // Transition to `status` from `version` with an optional reason.
  absl::StatusOr<v1::Ticket> Move(const std::string& id, int64_t version, v1::TicketStatus status,
                                  const std::string& reason = "") const {
    v1::TransitionTicketRequest request;
    request.set_id(id);
    request.set_version(version);
    request.set_status(status);
    request.set_reason(reason);
    AddCompletion(request);
    return Transition(request);
  }

  // Follows next_page_token from `request` until the last page. Fails on the first error
  // or after `max_pages` pages (a server that never ends a listing).
  absl::StatusOr<std::vector<v1::Ticket>> ListAll(v1::ListTicketsRequest request,
                                                  int max_pages = 100000) const {
    std::vector<v1::Ticket> all;
    for (int page = 0; page < max_pages; ++page) {
      absl::StatusOr<v1::ListTicketsResponse> response = List(request);
      if (!response.ok()) return response.status();
      for (v1::Ticket& t : *response->mutable_tickets()) all.push_back(std::move(t));
      if (response->next_page_token().empty()) return all;
      request.set_page_token(response->next_page_token());
    }
    return absl::InternalError(absl::StrCat("ListTickets did not end after ", max_pages, " pages"));
  }

  // The whole history of ticket `id`, following page tokens.
  absl::StatusOr<std::vector<v1::TicketEvent>> AllEvents(const std::string& id) const {
    v1::ListTicketEventsRequest request;
    request.set_ticket_id(id);
    std::vector<v1::TicketEvent> all;
    for (int page = 0; page < 100000; ++page) {
      absl::StatusOr<v1::ListTicketEventsResponse> response = Events(request);
      if (!response.ok()) return response.status();
      for (v1::TicketEvent& e : *response->mutable_events()) all.push_back(std::move(e));
      if (response->next_page_token().empty()) return all;
      request.set_page_token(response->next_page_token());
    }
    return absl::InternalError("ListTicketEvents did not end");
  }

 private:
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                Stub& stub, const Request& request) const {
    std::unique_ptr<grpc::ClientContext> context = MakeClientContext(token_, timeout_);
    Response response;
    grpc::Status status = (stub.*method)(context.get(), request, &response);
    if (!status.ok()) return ToAbslStatus(status);
    return response;
  }

  std::unique_ptr<v1::TicketService::Stub> tickets_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::AccountService::Stub> accounts_;
  std::string token_;
  absl::Duration timeout_;
  mutable absl::Mutex mu_;
  mutable std::set<std::string> known_accounts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_E2E_E2E_CLIENT_H_
