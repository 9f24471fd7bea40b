// SPDX-License-Identifier: GPL-3.0-or-later
#include "recordview.h"

#include "recordtablemodel.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMenu>

#include <map>

namespace casebook {

void SeverityDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    switch (index.data(RecordTableModel::SeverityRole).toInt()) {
    case 2: // denied
        option->backgroundBrush = QColor(0xfd, 0xd8, 0xdc);
        option->palette.setColor(QPalette::Text, QColor(0x8a, 0x00, 0x14));
        break;
    case 1: // failure, rejected
        option->backgroundBrush = QColor(0xff, 0xec, 0xcc);
        option->palette.setColor(QPalette::Text, QColor(0x7a, 0x45, 0x00));
        break;
    default:
        break;
    }
    if (!index.data(RecordTableModel::LoadedRole).toBool() && index.model() && index.model()->inherits("casebook::RecordTableModel"))
        option->palette.setColor(QPalette::Text, QColor(0x99, 0x99, 0x99));
}

RecordView::RecordView(QWidget *parent)
    : QTableView(parent)
{
    setItemDelegate(new SeverityDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setWordWrap(false);
    setCornerButtonEnabled(false);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // uniform rows: no per-row size queries
    verticalHeader()->hide();
    horizontalHeader()->setSectionsMovable(true);
    horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    horizontalHeader()->setHighlightSections(false);
    connect(horizontalHeader(), &QWidget::customContextMenuRequested, this, &RecordView::showHeaderMenu);
}

void RecordView::showHeaderMenu(const QPoint &pos)
{
    if (!model())
        return;
    QMenu menu(this);
    menu.addSection(tr("Columns"));
    for (int c = 0; c < model()->columnCount(); ++c) {
        QAction *a = menu.addAction(model()->headerData(c, Qt::Horizontal).toString());
        a->setCheckable(true);
        a->setChecked(!isColumnHidden(c));
        connect(a, &QAction::toggled, this, [this, c](bool on) { setColumnHidden(c, !on); });
    }
    menu.exec(horizontalHeader()->mapToGlobal(pos));
}

QString RecordView::selectedText() const
{
    if (!selectionModel())
        return {};
    std::map<int, std::map<int, QString>> cells; // row → visual column → text
    for (const QModelIndex &i : selectionModel()->selectedIndexes())
        if (!isColumnHidden(i.column()))
            cells[i.row()][horizontalHeader()->visualIndex(i.column())] = i.data().toString();
    QStringList lines;
    for (const auto &[row, cols] : cells) {
        QStringList fields;
        for (const auto &[col, text] : cols)
            fields << QString(text).replace(u'\t', u' ').replace(u'\n', u' ');
        lines << fields.join(u'\t');
    }
    return lines.join(u'\n');
}

void RecordView::copySelection() const { QApplication::clipboard()->setText(selectedText()); }

QStringList RecordView::hiddenColumns() const
{
    QStringList out;
    if (model())
        for (int c = 0; c < model()->columnCount(); ++c)
            if (isColumnHidden(c))
                out << model()->headerData(c, Qt::Horizontal).toString().section(QStringLiteral(" ("), 0, 0);
    return out;
}

void RecordView::setHiddenColumns(const QStringList &titles)
{
    if (!model())
        return;
    for (int c = 0; c < model()->columnCount(); ++c)
        setColumnHidden(c, titles.contains(model()->headerData(c, Qt::Horizontal).toString().section(QStringLiteral(" ("), 0, 0)));
}

void RecordView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

} // namespace casebook
