// SPDX-License-Identifier: GPL-3.0-or-later
#include "identitydialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace casebook {

IdentityDialog::IdentityDialog(const Investigator &current, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Who is investigating?"));
    auto *form = new QFormLayout(this);
    auto *intro = new QLabel(tr("Casebook records your name and organisation with every action in the workspace journal "
                                "and on exported reports."), this);
    intro->setWordWrap(true);
    form->addRow(intro);
    m_name = new QLineEdit(current.name, this);
    m_org = new QLineEdit(current.organisation, this);
    m_name->setPlaceholderText(tr("e.g. Wang Fang"));
    m_org->setPlaceholderText(tr("e.g. Financial Supervisory Authority"));
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Organisation:"), m_org);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    QPushButton *okButton = buttons->button(QDialogButtonBox::Ok);
    okButton->setEnabled(current.isSet());
    connect(m_name, &QLineEdit::textChanged, this, [okButton](const QString &t) { okButton->setEnabled(!t.trimmed().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

Investigator IdentityDialog::investigator() const { return { m_name->text().trimmed(), m_org->text().trimmed() }; }

} // namespace casebook
