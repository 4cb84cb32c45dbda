import { Route, Routes } from "react-router";

import { Layout } from "./components/Layout";
import { AccountsPage } from "./pages/AccountsPage";
import { AppealRoute, AppealsPage, NewAppealPage } from "./pages/AppealsPage";
import { AuditPage } from "./pages/AuditPage";
import { BasketResultPage } from "./pages/BasketResultPage";
import { BillPage, BillsPage } from "./pages/BillsPage";
import { ConfirmEmailChangePage } from "./pages/ConfirmEmailChangePage";
import { ConfirmEmailPage } from "./pages/ConfirmEmailPage";
import { FeedbackPage } from "./pages/FeedbackPage";
import { ForgotPasswordPage, ResetPasswordPage } from "./pages/PasswordPages";
import { NotFoundPage } from "./pages/NotFoundPage";
import { OperatorAppealPage, OperatorAppealsPage } from "./pages/OperatorAppeals";
import { OperatorBillingPage, OperatorFeedbackPage, OperatorLinkRequestsPage } from "./pages/OperatorPages";
import { OperatorPaymentPage, OperatorPaymentsPage, OperatorRefundsPage } from "./pages/OperatorPayments";
import { PaymentResultPage } from "./pages/PaymentResultPage";
import { PaymentsPage } from "./pages/PaymentsPage";
import { ProfilePage } from "./pages/ProfilePage";
import { PublicReadingsPage } from "./pages/PublicReadingsPage";
import { ReadingsPage } from "./pages/ReadingsPage";
import { ReconciliationPage } from "./pages/ReconciliationPage";
import { RegisterPage } from "./pages/RegisterPage";
import { SignInPage } from "./pages/SignInPage";
import { StaffAcceptPage } from "./pages/StaffAcceptPage";
import { StaffPage } from "./pages/StaffPages";
import { RequireAuth, RequireOperator, RequireSubscriber } from "./session/guards";

/** The routes of docs/contract.md §2 "web front end routes". */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<SignInPage />} />
        <Route path="register" element={<RegisterPage />} />
        <Route path="confirm-email" element={<ConfirmEmailPage />} />
        <Route path="password/forgot" element={<ForgotPasswordPage />} />
        <Route path="password/reset" element={<ResetPasswordPage />} />
        <Route path="readings/public" element={<PublicReadingsPage />} />
        <Route path="feedback" element={<FeedbackPage />} />
        <Route path="staff/accept" element={<StaffAcceptPage />} />
        <Route element={<RequireAuth />}>
          <Route element={<RequireSubscriber />}>
            <Route path="accounts" element={<AccountsPage />} />
            <Route path="payments" element={<PaymentsPage />} />
            <Route path="payments/:id/result" element={<PaymentResultPage />} />
            <Route path="payments/baskets/:id/result" element={<BasketResultPage />} />
            <Route path="readings" element={<ReadingsPage />} />
            <Route path="bills" element={<BillsPage />} />
            <Route path="bills/:accountId/:billId" element={<BillPage />} />
            <Route path="appeals" element={<AppealsPage />} />
            <Route path="appeals/new" element={<NewAppealPage />} />
            <Route path="confirm-email-change" element={<ConfirmEmailChangePage />} />
          </Route>
          {/* The answer's letter links here: staff who follow it get the desk's page of it. */}
          <Route path="appeals/:id" element={<AppealRoute />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="operator" element={<RequireOperator />}>
            <Route path="link-requests" element={<OperatorLinkRequestsPage />} />
            <Route path="appeals" element={<OperatorAppealsPage />} />
            <Route path="appeals/:id" element={<OperatorAppealPage />} />
            <Route path="feedback" element={<OperatorFeedbackPage />} />
            <Route path="billing-accounts" element={<OperatorBillingPage />} />
            <Route path="payments" element={<OperatorPaymentsPage />} />
            <Route path="payments/:id" element={<OperatorPaymentPage />} />
            <Route path="payments/refunds" element={<OperatorRefundsPage />} />
            <Route path="payments/reconciliation" element={<ReconciliationPage />} />
            <Route path="audit" element={<AuditPage />} />
            <Route path="staff" element={<StaffPage />} />
          </Route>
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
