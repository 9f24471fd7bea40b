// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

class QWidget;

namespace casebook {

/// True when a path given to `casebook` (e.g. by a file manager through the desktop entry) is an
/// archive to import rather than a workspace to open: a *.zip file (SEA archives are *.sea.zip) or a
/// folder holding a manifest.json (an unpacked SEA).
bool isArchivePath(const QString &path);

/// Asks which workspace archives opened from outside go into: the most recently used workspace that
/// still exists (after confirmation), or another existing or new one chosen in a file dialog (a new
/// one is created). Returns its path, or an empty string when the user cancelled or creation failed
/// (the reason was shown).
QString chooseWorkspaceForArchives(QWidget *parent, const QStringList &archives);

} // namespace casebook
