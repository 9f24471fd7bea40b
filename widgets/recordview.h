// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStyledItemDelegate>
#include <QTableView>

namespace casebook {

/// Paints failures/denials (SeverityRole) so they stand out in any grid.
class SeverityDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

/// A grid over a RecordTableModel (or any table model): severity colouring, a column chooser on the
/// header's context menu, Ctrl+C copies the selected cells as tab-separated text, sorting only on
/// columns the model can sort in SQL.
class RecordView : public QTableView
{
    Q_OBJECT
public:
    explicit RecordView(QWidget *parent = nullptr);

    /// Tab-separated text of the selected cells (rows in order, hidden columns skipped).
    QString selectedText() const;
    void copySelection() const;
    QStringList hiddenColumns() const;
    void setHiddenColumns(const QStringList &titles);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void showHeaderMenu(const QPoint &pos);
};

} // namespace casebook
