// The subcommands that change tickets: create, update, transition, assign, comment.
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "client/cli_commands.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

// A flag of update and the update_mask path it sets.
struct UpdateField {
  const char* flag;
  const char* path;
};

constexpr UpdateField kUpdateFields[] = {
    {"summary", "summary"},           {"description", "description"},
    {"contact_name", "contact.name"}, {"contact_phone", "contact.phone"},
    {"contact_email", "contact.email"}, {"product", "product"},
    {"serial", "serial_number"},      {"impact", "impact"},
    {"urgency", "urgency"},           {"priority", "priority"},
    {"queue", "queue"},               {"region", "region"},
};

// A random UUID version 4 (RFC 4122), e.g. "3f2b8c1e-9a4d-4f6b-8e2a-1c5d7e9f0a3b".
std::string NewRequestId() {
  std::random_device device;  // non-deterministic: /dev/urandom or RDRAND on Linux
  std::array<uint8_t, 16> bytes;
  for (size_t i = 0; i < bytes.size(); i += 4) {
    const uint32_t word = device();
    for (size_t j = 0; j < 4; ++j) bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  bytes[6] = (bytes[6] & 0x0F) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3F) | 0x80;  // RFC 4122 variant
  std::string id;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
    absl::StrAppend(&id, absl::Hex(bytes[i], absl::kZeroPad2));
  }
  return id;
}

// Parses the enum flag `flag` (named `name` in errors) into `set` when non-empty.
template <typename E, typename Setter>
absl::Status SetEnum(const absl::Flag<std::string>& flag, const char* name, Setter set) {
  const std::string text = absl::GetFlag(flag);
  if (text.empty()) return absl::OkStatus();
  absl::StatusOr<E> value = ParseEnum<E>(name, text);
  if (!value.ok()) return value.status();
  set(*value);
  return absl::OkStatus();
}

absl::Status SetEnumsFromFlags(v1::Ticket& t) {
  absl::Status s = SetEnum<v1::TicketKind>(FLAGS_kind, "--kind",
                                           [&](v1::TicketKind v) { t.set_kind(v); });
  if (s.ok()) {
    s = SetEnum<v1::Impact>(FLAGS_impact, "--impact", [&](v1::Impact v) { t.set_impact(v); });
  }
  if (s.ok()) {
    s = SetEnum<v1::Urgency>(FLAGS_urgency, "--urgency",
                             [&](v1::Urgency v) { t.set_urgency(v); });
  }
  if (s.ok()) {
    s = SetEnum<v1::Priority>(FLAGS_priority, "--priority",
                              [&](v1::Priority v) { t.set_priority(v); });
  }
  return s;
}

// The ticket fields given by the create/update flags (unset flags leave fields empty).
absl::StatusOr<v1::Ticket> TicketFromFlags() {
  v1::Ticket t;
  t.set_account_id(absl::GetFlag(FLAGS_account));
  t.set_summary(absl::GetFlag(FLAGS_summary));
  t.set_description(absl::GetFlag(FLAGS_description));
  t.mutable_contact()->set_name(absl::GetFlag(FLAGS_contact_name));
  t.mutable_contact()->set_phone(absl::GetFlag(FLAGS_contact_phone));
  t.mutable_contact()->set_email(absl::GetFlag(FLAGS_contact_email));
  t.set_product(absl::GetFlag(FLAGS_product));
  t.set_serial_number(absl::GetFlag(FLAGS_serial));
  t.set_queue(absl::GetFlag(FLAGS_queue));
  t.set_region(absl::GetFlag(FLAGS_region));
  t.set_assignee(absl::GetFlag(FLAGS_assignee));
  t.set_priority_reason(absl::GetFlag(FLAGS_priority_reason));
  if (absl::Status s = SetEnumsFromFlags(t); !s.ok()) return s;
  return t;
}

// Refuses create flags that update cannot change.
absl::Status CheckNotUpdatable(const CommandContext& ctx) {
  for (const char* flag : {"kind", "account", "request_id"}) {
    if (Specified(ctx.args, flag)) {
      return UsageError(absl::StrCat("--", flag, " cannot be changed by update"));
    }
  }
  if (Specified(ctx.args, "assignee")) {
    return UsageError("update does not change the assignee; use: tktctl assign ID USER");
  }
  if (Specified(ctx.args, "priority_reason") && !Specified(ctx.args, "priority")) {
    return UsageError("--priority_reason goes with --priority (the reason for setting it)");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::UpdateTicketRequest> BuildUpdateRequest(const CommandContext& ctx) {
  if (absl::Status s = CheckNotUpdatable(ctx); !s.ok()) return s;
  v1::UpdateTicketRequest request;
  for (const UpdateField& field : kUpdateFields) {
    if (Specified(ctx.args, field.flag)) request.mutable_update_mask()->add_paths(field.path);
  }
  if (request.update_mask().paths().empty()) {
    return UsageError("nothing to update: give at least one field flag (e.g. --summary)");
  }
  absl::StatusOr<v1::Ticket> ticket = TicketFromFlags();
  if (!ticket.ok()) return ticket.status();
  ticket->clear_assignee();
  *request.mutable_ticket() = *std::move(ticket);
  request.set_note(absl::GetFlag(FLAGS_note));
  return request;
}

}  // namespace

absl::StatusOr<int64_t> ResolveVersion(const CommandContext& ctx, const std::string& id) {
  if (Specified(ctx.args, "ticket_version")) return absl::GetFlag(FLAGS_ticket_version);
  absl::StatusOr<v1::Ticket> current = ctx.client.GetTicket(id);
  if (!current.ok()) return current.status();
  return current->version();
}

absl::Status RunCreate(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 0, 0, "create [flags]"); !s.ok()) return s;
  absl::StatusOr<v1::Ticket> ticket = TicketFromFlags();
  if (!ticket.ok()) return ticket.status();
  v1::CreateTicketRequest request;
  const std::string request_id = absl::GetFlag(FLAGS_request_id);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  *request.mutable_ticket() = *std::move(ticket);
  absl::StatusOr<v1::Ticket> created = ctx.client.CreateTicket(request);
  if (!created.ok()) return created.status();
  return PrintTicketResult(ctx, *created);
}

absl::Status RunUpdate(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "update ID [flags]"); !s.ok()) return s;
  absl::StatusOr<v1::UpdateTicketRequest> request = BuildUpdateRequest(ctx);
  if (!request.ok()) return request.status();
  absl::StatusOr<int64_t> version = ResolveVersion(ctx, Arg(ctx, 0));
  if (!version.ok()) return version.status();
  request->mutable_ticket()->set_id(Arg(ctx, 0));
  request->mutable_ticket()->set_version(*version);
  absl::StatusOr<v1::Ticket> updated = ctx.client.UpdateTicket(*request);
  if (!updated.ok()) return updated.status();
  return PrintTicketResult(ctx, *updated);
}

absl::Status RunTransition(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "transition ID STATUS"); !s.ok()) return s;
  absl::StatusOr<v1::TicketStatus> status = ParseEnum<v1::TicketStatus>("STATUS", Arg(ctx, 1));
  if (!status.ok()) return status.status();
  absl::StatusOr<int64_t> version = ResolveVersion(ctx, Arg(ctx, 0));
  if (!version.ok()) return version.status();
  v1::TransitionTicketRequest request;
  request.set_id(Arg(ctx, 0));
  request.set_version(*version);
  request.set_status(*status);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  request.set_note(absl::GetFlag(FLAGS_note));
  if (*status == v1::TICKET_STATUS_RESOLVED) {
    request.mutable_resolution()->set_action_taken(absl::GetFlag(FLAGS_action_taken));
    request.mutable_resolution()->set_fault_category(absl::GetFlag(FLAGS_fault_category));
    request.mutable_resolution()->set_root_cause(absl::GetFlag(FLAGS_root_cause));
  }
  if (const std::string by = absl::GetFlag(FLAGS_confirmed_by); !by.empty()) {
    request.mutable_verification()->set_outcome(v1::VERIFICATION_OUTCOME_CONFIRMED_FIXED);
    request.mutable_verification()->set_customer_contact(by);
  }
  if (const std::string by = absl::GetFlag(FLAGS_not_fixed_by); !by.empty()) {
    request.mutable_verification()->set_outcome(v1::VERIFICATION_OUTCOME_NOT_FIXED);
    request.mutable_verification()->set_customer_contact(by);
  }
  absl::StatusOr<v1::Ticket> moved = ctx.client.TransitionTicket(request);
  if (!moved.ok()) return moved.status();
  return PrintTicketResult(ctx, *moved);
}

absl::Status RunAssign(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "assign ID USER"); !s.ok()) return s;
  absl::StatusOr<int64_t> version = ResolveVersion(ctx, Arg(ctx, 0));
  if (!version.ok()) return version.status();
  v1::AssignTicketRequest request;
  request.set_id(Arg(ctx, 0));
  request.set_version(*version);
  request.set_assignee(Arg(ctx, 1) == "-" ? "" : Arg(ctx, 1));
  request.set_queue(absl::GetFlag(FLAGS_queue));
  request.set_note(absl::GetFlag(FLAGS_note));
  absl::StatusOr<v1::Ticket> assigned = ctx.client.AssignTicket(request);
  if (!assigned.ok()) return assigned.status();
  return PrintTicketResult(ctx, *assigned);
}

absl::Status RunComment(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, SIZE_MAX, "comment ID TEXT..."); !s.ok()) return s;
  const std::vector<std::string>& args = ctx.args.positional;
  v1::AddCommentRequest request;
  request.set_ticket_id(Arg(ctx, 0));
  request.set_body(absl::StrJoin(args.begin() + 2, args.end(), " "));
  request.set_visibility(absl::GetFlag(FLAGS_customer) ? v1::VISIBILITY_CUSTOMER
                                                       : v1::VISIBILITY_INTERNAL);
  request.set_version(absl::GetFlag(FLAGS_ticket_version));  // 0: append regardless
  absl::StatusOr<v1::AddCommentResponse> added = ctx.client.AddComment(request);
  if (!added.ok()) return added.status();
  if (ctx.json) return PrintJson(*added, ctx.out);
  PrintEvents({added->event()}, ctx.out);
  return absl::OkStatus();
}

// contact ID CHANNEL [NOTE...]: the customer called (wrote, came in) about the ticket.
absl::Status RunContact(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, SIZE_MAX, "contact ID CHANNEL [NOTE...]"); !s.ok()) return s;
  const std::vector<std::string>& args = ctx.args.positional;
  v1::ContactChannel channel;
  const std::string name = absl::StrCat("CONTACT_CHANNEL_", absl::AsciiStrToUpper(Arg(ctx, 1)));
  if (!v1::ContactChannel_Parse(name, &channel) || channel == v1::CONTACT_CHANNEL_UNSPECIFIED) {
    return UsageError(absl::StrCat("unknown channel '", Arg(ctx, 1),
                                   "'; use phone, email, chat, in_person or other"));
  }
  v1::RecordContactRequest request;
  request.set_ticket_id(Arg(ctx, 0));
  request.set_channel(channel);
  request.set_note(absl::StrJoin(args.begin() + 3, args.end(), " "));
  absl::StatusOr<v1::Ticket> ticket = ctx.client.RecordContact(request);
  if (!ticket.ok()) return ticket.status();
  return PrintTicketResult(ctx, *ticket);
}

}  // namespace ticketing::client
