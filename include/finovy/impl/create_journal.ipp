// SPDX-License-Identifier: BSL-1.0
// The journal's names and the in-memory journal (create_journal.hpp).
#ifndef FINOVY_IMPL_CREATE_JOURNAL_IPP
#define FINOVY_IMPL_CREATE_JOURNAL_IPP

#include <finovy/create_journal.hpp>


#include <array>
#include <ostream>

namespace finovy {

namespace detail {
inline constexpr std::array<std::pair<journal_state, std::string_view>, 7> journal_state_names{{
    {journal_state::intended, "intended"},
    {journal_state::created, "created"},
    {journal_state::made, "made"},
    {journal_state::unknown, "unknown"},
    {journal_state::refused, "refused"},
    {journal_state::cancelled, "cancelled"},
    {journal_state::absent, "absent"},
}};

}   // namespace detail

FINOVY_DECL std::string_view to_string(journal_state s) noexcept
{
    for (const auto& [v, n] : detail::journal_state_names)
        if (v == s)
            return n;
    return "unknown";
}

FINOVY_DECL std::optional<journal_state> journal_state_from_string(std::string_view name) noexcept
{
    for (const auto& [v, n] : detail::journal_state_names)
        if (n == name)
            return v;
    return std::nullopt;
}

FINOVY_DECL std::ostream& operator<<(std::ostream& os, const journal_entry& e)
{
    os << "intent " << e.intent << " (batch " << e.batch << "): " << to_string(e.state);
    if (!e.host_id.empty())
        os << ", host " << e.host_id;
    if (!e.candidates.empty())
    {
        os << ", candidates";
        for (const auto& c : e.candidates)
            os << ' ' << c;
    }
    if (!e.message.empty())
        os << " (" << e.message << ')';
    return os;
}

FINOVY_DECL void memory_create_journal::async_write(std::vector<journal_entry> entries,
                                                    boost::asio::any_completion_handler<void(error_code)> done)
{
    {
        std::lock_guard lk(m_);
        for (auto& e : entries)
        {
            auto it = index_.find(e.intent);
            if (it == index_.end())
            {
                index_.emplace(e.intent, entries_.size());
                entries_.push_back(std::move(e));
            }
            else
                entries_[it->second] = std::move(e);
        }
    }
    std::move(done)(error_code{});
}

FINOVY_DECL void memory_create_journal::async_load(
    boost::asio::any_completion_handler<void(error_code, journal_snapshot)> done)
{
    journal_snapshot s;
    {
        std::lock_guard lk(m_);
        for (const auto& e : entries_)
        {
            if (unsettled(e.state))
                s.unsettled.push_back(e);
            else if (e.state == journal_state::created && e.inferred)
                s.inferred.push_back(e);
            if (!e.host_id.empty())
                s.claimed.push_back(e.host_id);
        }
    }
    std::move(done)(error_code{}, std::move(s));
}

FINOVY_DECL std::vector<journal_entry> memory_create_journal::entries() const
{
    std::lock_guard lk(m_);
    return entries_;
}

}   // namespace finovy

#endif
