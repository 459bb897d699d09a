// Fuzzes what every transport does to a request before its endpoint runs: the bytes are
// decoded as the request message of one ticketing.v1 method (chosen by the first byte),
// unknown fields dropped (api DecodeRequest), the shape checked (api::CheckRequest), and a
// new ticket's fields checked as CreateTicket checks them. Beyond "no crash, no sanitizer
// report", a request the checks accept must print as protobuf JSON, as the audit log and
// tktctl --json do: nothing out of range gets past them (docs/security.md, "Input").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "server/api/request_checks.h"
#include "server/domain/base/validation.h"
#include "ticketing/v1/account.pb.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/alert.pb.h"
#include "ticketing/v1/report.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace {

using google::protobuf::Descriptor;
using google::protobuf::Message;

// The request type of every method of every service, in a fixed order.
const std::vector<const Message*>& RequestPrototypes() {
  static const std::vector<const Message*>* prototypes = [] {
    auto* all = new std::vector<const Message*>();
    const google::protobuf::FileDescriptor* files[] = {
        ticketing::v1::CreateTicketRequest::descriptor()->file(),
        ticketing::v1::WhoAmIRequest::descriptor()->file(),
        ticketing::v1::ListAlertsRequest::descriptor()->file(),
        ticketing::v1::CreateAccountRequest::descriptor()->file(),
        ticketing::v1::ServiceReportRequest::descriptor()->file(),
    };
    for (const auto* file : files) {
      for (int s = 0; s < file->service_count(); ++s) {
        for (int m = 0; m < file->service(s)->method_count(); ++m) {
          const Descriptor* input = file->service(s)->method(m)->input_type();
          all->push_back(
              google::protobuf::MessageFactory::generated_factory()->GetPrototype(input));
        }
      }
    }
    if (all->size() < 40) std::abort();  // the services were not all found
    return all;
  }();
  return *prototypes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& prototypes = RequestPrototypes();
  std::unique_ptr<Message> request(prototypes[data[0] % prototypes.size()]->New());
  if (!request->ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  request->DiscardUnknownFields();
  if (!ticketing::api::CheckRequest(*request).ok()) return 0;
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(*request, &json, options).ok()) {
    std::abort();  // a request that passed the checks cannot be shown
  }
  if (const auto* create = dynamic_cast<const ticketing::v1::CreateTicketRequest*>(request.get())) {
    (void)ticketing::domain::CheckNewTicket(create->ticket());
    for (const std::string& path : {std::string("summary"), std::string("contact"),
                                    std::string("description"), std::string("priority")}) {
      (void)ticketing::domain::CheckUpdatableField(create->ticket(), path);
    }
  }
  return 0;
}
