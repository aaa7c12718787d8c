// Internal to store/: what the engines share and the entry points OpenDatabase dispatches to.
//
// GuardedTransaction gives both engines one behaviour around a failed statement: PostgreSQL
// aborts the whole transaction on any error while SQLite keeps it usable, so to keep roles
// portable a transaction in which any statement failed refuses further statements and rolls
// back, whatever the engine. Thread-safety: a transaction is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

namespace sedun::store::internal {

class GuardedTransaction : public Transaction {
 public:
  Result<std::vector<Row>> Query(std::string_view sql, const std::vector<Value>& params) final;
  Result<int64_t> Execute(std::string_view sql, const std::vector<Value>& params) final;
  Status ExecuteScript(std::string_view sql) final;
  Status Commit() final;

 protected:
  virtual Result<std::vector<Row>> DoQuery(std::string_view sql,
                                           const std::vector<Value>& params) = 0;
  virtual Result<int64_t> DoExecute(std::string_view sql, const std::vector<Value>& params) = 0;
  virtual Status DoScript(std::string_view sql) = 0;
  virtual Status DoCommit() = 0;
  virtual void DoRollback() = 0;

  // Derived destructors call this: a virtual call from ~GuardedTransaction would not dispatch.
  void RollbackIfOpen();

 private:
  Status Usable() const;
  template <typename R>
  R Track(R result);

  bool finished_ = false;
  bool failed_ = false;
};

// Non-secret randomness for retry jitter and unique test names (SQLite's PRNG, seeded from the
// operating system): nothing here protects a secret, so it need not come from crypto/.
uint64_t RandomU64();

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                     const DatabaseOptions& options);
Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& conninfo,
                                                       const DatabaseOptions& options);

// The first `max` characters of a statement on one line, for error messages: the SQL text names
// the statement (values are bound separately and never appear in it).
std::string SqlSnippet(std::string_view sql, size_t max = 60);

}  // namespace sedun::store::internal
