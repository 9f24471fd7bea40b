// SPDX-License-Identifier: GPL-3.0-or-later
#include "identity.h"

#include <QSettings>
#include <QSysInfo>

namespace casebook {

namespace {
// One settings file for the GUI and the CLI (whose application names differ).
#define CASEBOOK_SETTINGS QSettings s(QStringLiteral("Casebook"), QStringLiteral("casebook"))
} // namespace

QString Investigator::display() const
{
    if (!isSet()) {
        QString user = qEnvironmentVariable("USER");
        if (user.isEmpty())
            user = qEnvironmentVariable("LOGNAME", QStringLiteral("unknown"));
        return user + u'@' + QSysInfo::machineHostName();
    }
    return organisation.trimmed().isEmpty() ? name.trimmed() : name.trimmed() + u" (" + organisation.trimmed() + u')';
}

Investigator Investigator::current()
{
    Investigator who;
    const QString env = qEnvironmentVariable("CASEBOOK_INVESTIGATOR");
    if (!env.isEmpty()) {
        const int open = env.indexOf(u'(');
        if (open > 0 && env.endsWith(u')')) {
            who.name = env.left(open).trimmed();
            who.organisation = env.mid(open + 1).chopped(1).trimmed();
        } else {
            who.name = env.trimmed();
        }
        return who;
    }
    const CASEBOOK_SETTINGS;
    who.name = s.value(QStringLiteral("identity/name")).toString();
    who.organisation = s.value(QStringLiteral("identity/organisation")).toString();
    return who;
}

void Investigator::store(const Investigator &who)
{
    CASEBOOK_SETTINGS;
    s.setValue(QStringLiteral("identity/name"), who.name.trimmed());
    s.setValue(QStringLiteral("identity/organisation"), who.organisation.trimmed());
}

} // namespace casebook
