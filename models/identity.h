// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace casebook {

/// Who is doing the work: recorded with every journal entry. Kept in the shared settings file
/// (organisation "Casebook", application "casebook": the GUI asks on first run, the CLI reads the
/// same file); $CASEBOOK_INVESTIGATOR ("Name (Organisation)" or "Name") overrides it.
struct Investigator
{
    QString name;
    QString organisation;

    bool isSet() const { return !name.trimmed().isEmpty(); }
    /// "Name (Organisation)", or "Name", or "user@host" when nothing is set.
    QString display() const;

    static Investigator current();
    static void store(const Investigator &who);
};

} // namespace casebook
