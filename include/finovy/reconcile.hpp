// SPDX-License-Identifier: BSL-1.0
/// \file
/// Settling what a create journal left open (create_journal.hpp): after a crash, or for entries a
/// batch could not settle (`unknown`, or created but not told apart).
///
/// async_reconcile() lists the account once and matches each unsettled entry with the rules a
/// batch identifies its hosts by (create.hpp): a host is an entry's only if it is newer than the
/// entry's round's marker, has the package's traits and the image's system, was made within the
/// entry's window, and no entry of the journal claims it already; where hosts outnumber the entries
/// they could fill, none is taken. Rounds are settled oldest first.
///
/// Entries whose host a listing told apart (journal_entry::inferred) are looked at again while the
/// listing may still lag: if another host of the package and image now shows in their window, the
/// one they were given may not be theirs, and they are opened again (`contested`, with both).
///
/// Each entry ends as one of reconciled::verdict, and the journal records it:
/// - `found`: its host is identified (journal_state::created, journal_entry::host_id);
/// - `absent`: an entry that may not have made a host (`intended`, `unknown`) with no host for it,
///   older than reconcile_options::appear_timeout: it made none (journal_state::absent);
/// - `contested`: hosts it cannot be told from (journal_entry::candidates); it stays open;
/// - `pending`: nothing yet, but too recent to say, or a host the server said it made is not
///   listed (yet); it stays open. Run reconciliation again later.
///
/// Guarantees and limits: an entry is never given a host of another package or image, one older
/// than its round, nor one the journal gives another entry. A host another program made with the
/// same package and image inside an entry's window cannot be told apart from the entry's own:
/// when the counts leave no doubt it may be taken, otherwise the entry is contested. A host
/// deleted before reconciliation runs leaves its entry `pending` (or `absent`): the journal then
/// says only what the account still shows.
#ifndef FINOVY_RECONCILE_HPP
#define FINOVY_RECONCILE_HPP

#include <finovy/client.hpp>
#include <finovy/create_journal.hpp>
#include <finovy/detail/composed.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace finovy {

/// How async_reconcile() decides.
struct reconcile_options
{
    /// An entry that may not have made a host, recorded longer ago than this, with no host for it,
    /// made none. Longer than the listing's lag and the server's slowest create.
    std::chrono::milliseconds appear_timeout{120'000};
    /// What createTime's clock may be to the Date header's, for entries that do not say
    /// (create_options::clock_margin).
    std::chrono::milliseconds clock_margin{2'000};
    /// Only the entries of these batches (journal_entry::batch), when not empty: a service settles
    /// one finished batch while others still run and write (their open entries are theirs).
    std::vector<std::string> batches;
};

/// What reconciliation made of one entry.
struct reconciled
{
    /// The verdict (see reconcile.hpp).
    enum class verdict
    {
        found,       ///< its host is identified
        absent,      ///< it made no host
        contested,   ///< hosts it cannot be told from: journal_entry::candidates
        pending,     ///< too early to say, or its host is not listed
    };
    verdict result = verdict::pending;   ///< the verdict
    journal_entry entry;                 ///< as the journal now records it
};

/// The verdict's name: "found", "absent", "contested", "pending".
FINOVY_DECL std::string_view to_string(reconciled::verdict v) noexcept;

/// What async_reconcile() did.
struct reconcile_report
{
    std::vector<reconciled> entries;   ///< every entry that was open, and its verdict

    /// How many entries got verdict `v`.
    std::size_t count(reconciled::verdict v) const noexcept
    {
        std::size_t n = 0;
        for (const auto& e : entries)
            n += e.result == v ? 1 : 0;
        return n;
    }
};

/// \cond FINOVY_INTERNAL
namespace detail {
FINOVY_DECL void start_reconcile(impl_ptr, create_journal*, reconcile_options, call_context, diagnostics*,
                                 handler_for<reconcile_report>);
}
/// \endcond

/**
 * \brief Settles every open entry of `journal` against the account, with per-call settings.
 * \details The same operation as
 * async_reconcile(client&, create_journal&, reconcile_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those said there.
 * \awaits{reconcile_report}
 * \par Handler signature
 * `void(error_code, reconcile_report)`, as below.
 * \par Per-call settings
 * `ctx`: its call_options apply to each request (the catalog, the listing); its diagnostics, if
 * any, say why it failed.
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(reconcile_report) CompletionToken = default_token>
auto async_reconcile(client& c, create_journal& journal, reconcile_options opts, call_context ctx,
                     CompletionToken&& token = {})
{
    return detail::initiate_composed<reconcile_report>(c, &detail::start_reconcile, token, &journal, opts, ctx);
}

/**
 * \brief Settles every open entry of `journal` against the account (see the file's description).
 *
 * \awaits{reconcile_report}
 * \par Handler signature
 * `void(error_code, reconcile_report)`: on failure (the journal could not be read or written, the
 * account or the catalog could not be listed) the report is empty and nothing was recorded, or,
 * when only the final write failed, it says what was found (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the report).
 * \par Per-call settings
 * None: each request uses the client's options. The overload that takes a call_context sets them,
 * and collects diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: the listing stops, nothing is recorded, and it completes with
 * `asio::error::operation_aborted`.
 * \par Errors
 * The journal's errors, and those of async_list_all_hosts(), client::async_list_packages() and
 * client::async_list_images().
 * \par Thread safety
 * As the client's functions. Run it while no batch writes to the same journal (at start-up).
 * \par Object lifetimes
 * The journal must outlive the operation; `opts` is copied.
 */
template <FINOVY_TOKEN_FOR(reconcile_report) CompletionToken = default_token>
auto async_reconcile(client& c, create_journal& journal, reconcile_options opts = {}, CompletionToken&& token = {})
{
    return async_reconcile(c, journal, opts, call_context{}, std::forward<CompletionToken>(token));
}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/reconcile.ipp>
#endif

#endif
