// libpq connections and statements, and the one place PostgreSQL errors become Status codes.
//
// Parameters: integers travel as text typed int8, text as untyped text (the server infers the
// column's type, as for a literal), bytes in binary format typed bytea, so no escaping is ever
// done by hand. Results come back in text format and are typed by column OID: integer types,
// boolean and integral NUMERIC become int64 (SQLite has no other kinds), bytea is decoded from
// hex, everything else stays text. Thread-safety: no shared state.
#include "store/postgres/pg_connection.h"

#include <charconv>
#include <cstring>

#include "store/engine_internal.h"

namespace sedun::store::internal::pg {
namespace {

// Type OIDs from the server's pg_type catalogue (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kNumericOid = 1700;

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

std::string FirstLine(const char* s) {
  std::string out = s != nullptr ? s : "";
  size_t nl = out.find('\n');
  if (nl != std::string::npos) out.resize(nl);
  return out;
}

// Maps an error result. SQLSTATE classes: 08 connection, 22 data exception, 23 integrity,
// 40 transaction rollback, 53 insufficient resources, 55 object not in prerequisite state,
// 57 operator intervention.
Status PgError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  if (PQstatus(conn) == CONNECTION_BAD || (sqlstate.starts_with("08") && sqlstate != "08P01") ||
      sqlstate.starts_with("57P") || sqlstate.starts_with("53")) {
    std::string detail = res != nullptr ? FirstLine(PQresultErrorMessage(res)) : "";
    if (detail.empty()) detail = FirstLine(PQerrorMessage(conn));
    return Unavailable("postgres: " + std::string(what) + ": server unavailable: " +
                       (sqlstate.empty() ? "" : sqlstate + " ") + detail);
  }
  if (sqlstate.empty()) {
    return Internal("postgres: " + std::string(what) + ": " + FirstLine(PQerrorMessage(conn)));
  }
  // Data exceptions quote the offending value in their message; it may be a secret.
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  std::string text = sqlstate.starts_with("22") ? std::string("data exception")
                                                : FirstLine(primary);
  std::string msg = "postgres: " + std::string(what) + ": " + sqlstate + " " + text;
  if (sqlstate == "23505") return AlreadyExists(std::move(msg));
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return Aborted(std::move(msg));
  }
  return Internal(std::move(msg));
}

Result<int64_t> ParseInt(std::string_view s, std::string_view what) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return Internal("postgres: " + std::string(what) + " is not a 64-bit integer");
  }
  return v;
}

Result<Bytes> DecodeBytea(std::string_view s) {
  // bytea_output is set to hex at connect: "\x" followed by two hex digits per byte.
  if (!s.starts_with("\\x")) return Internal("postgres: bytea value not in hex format");
  Result<Bytes> b = HexDecode(s.substr(2));
  if (!b.ok()) return Internal("postgres: bytea value not in hex format");
  return b;
}

Result<Value> Column(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col) != 0) return Value{};
  std::string_view text(PQgetvalue(res, row, col),
                        static_cast<size_t>(PQgetlength(res, row, col)));
  switch (PQftype(res, col)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
    case kOidOid: {
      SEDUN_ASSIGN_OR_RETURN(int64_t v, ParseInt(text, "integer column"));
      return Value{v};
    }
    case kBoolOid:
      return Value{int64_t{text == "t" ? 1 : 0}};
    case kNumericOid: {
      // SUM(BIGINT) is NUMERIC; an integral one is an integer, as it is on SQLite.
      Result<int64_t> v = ParseInt(text, "numeric column");
      if (v.ok()) return Value{*v};
      return Value{std::string(text)};
    }
    case kByteaOid: {
      SEDUN_ASSIGN_OR_RETURN(Bytes b, DecodeBytea(text));
      return Value{std::move(b)};
    }
    default:
      return Value{std::string(text)};
  }
}

Status Simple(PGconn* conn, const std::string& sql, std::string_view what) {
  ResultPtr res(PQexec(conn, sql.c_str()));
  ExecStatusType st = res != nullptr ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return PgError(conn, res.get(), what);
  }
  return Status::Ok();
}

}  // namespace

Result<ConnPtr> Connect(const std::string& conninfo, const DatabaseOptions& options) {
  std::string timeout = std::to_string(options.connect_timeout_s);
  // Processed in order, later keywords overriding earlier ones: the conninfo may set its own
  // connect_timeout, but the client encoding is fixed so that text is UTF-8 on both engines.
  const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname",
                        "client_encoding", nullptr};
  const char* values[] = {timeout.c_str(), "sedun", conninfo.c_str(), "UTF8", nullptr};
  ConnPtr conn(PQconnectdbParams(keys, values, 1));
  if (conn == nullptr) return Unavailable("postgres: out of memory opening a connection");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    // libpq's message names host and port, never the password.
    return Unavailable("postgres: cannot connect: " + FirstLine(PQerrorMessage(conn.get())));
  }
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  // lock_timeout 0 would mean "wait forever", the opposite of SQLite's busy timeout 0.
  int lock_ms = options.busy_timeout_ms > 0 ? options.busy_timeout_ms : 1;
  SEDUN_RETURN_IF_ERROR(Simple(conn.get(),
                               "SET lock_timeout = " + std::to_string(lock_ms) +
                                   "; SET bytea_output = 'hex'",
                               "session settings"));
  return conn;
}

bool Broken(PGconn* conn) {
  return conn == nullptr || PQstatus(conn) != CONNECTION_OK ||
         PQtransactionStatus(conn) == PQTRANS_UNKNOWN;
}

Result<std::vector<Row>> Run(PGconn* conn, std::string_view sql,
                             const std::vector<Value>& params, int64_t* changed) {
  size_t n = params.size();
  std::vector<std::string> ints;
  ints.reserve(n);  // no reallocation: values[] points into it
  std::vector<const char*> values(n, nullptr);
  std::vector<int> lengths(n, 0);
  std::vector<int> formats(n, 0);
  std::vector<Oid> types(n, 0);
  static const char kEmpty[] = "";
  for (size_t i = 0; i < n; ++i) {
    const Value& v = params[i];
    if (const auto* num = std::get_if<int64_t>(&v)) {
      ints.push_back(std::to_string(*num));
      values[i] = ints.back().c_str();
      types[i] = kInt8Oid;
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      values[i] = s->c_str();
    } else if (const auto* b = std::get_if<Bytes>(&v)) {
      if (b->size() > static_cast<size_t>(INT32_MAX)) {
        return InvalidArgument("postgres: bytes parameter too large");
      }
      values[i] = b->empty() ? kEmpty : reinterpret_cast<const char*>(b->data());
      lengths[i] = static_cast<int>(b->size());
      formats[i] = 1;
      types[i] = kByteaOid;
    }
  }
  std::string text(sql);
  ResultPtr res(PQexecParams(conn, text.c_str(), static_cast<int>(n), types.data(),
                             values.data(), lengths.data(), formats.data(), 0));
  ExecStatusType st = res != nullptr ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return PgError(conn, res.get(), SqlSnippet(sql));
  }
  std::vector<Row> rows;
  int nrows = PQntuples(res.get());
  int ncols = PQnfields(res.get());
  rows.reserve(static_cast<size_t>(nrows));
  for (int r = 0; r < nrows; ++r) {
    std::vector<Value> row;
    row.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
      SEDUN_ASSIGN_OR_RETURN(Value v, Column(res.get(), r, c));
      row.push_back(std::move(v));
    }
    rows.emplace_back(std::move(row));
  }
  if (changed != nullptr) {
    const char* tuples = PQcmdTuples(res.get());
    *changed = 0;
    if (tuples != nullptr && *tuples != '\0') {
      SEDUN_ASSIGN_OR_RETURN(*changed, ParseInt(tuples, "row count"));
    }
  }
  return rows;
}

Status RunScript(PGconn* conn, std::string_view sql, std::string_view what) {
  return Simple(conn, std::string(sql), what);
}

}  // namespace sedun::store::internal::pg
