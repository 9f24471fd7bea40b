// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "identity.h"

#include <QDialog>

class QLineEdit;

namespace casebook {

/// Asks who the investigator is (name, organisation): on first run and from the Settings menu.
class IdentityDialog : public QDialog
{
    Q_OBJECT
public:
    explicit IdentityDialog(const Investigator &current, QWidget *parent = nullptr);
    Investigator investigator() const;

private:
    QLineEdit *m_name;
    QLineEdit *m_org;
};

} // namespace casebook
