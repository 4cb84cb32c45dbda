import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";

import { Layout } from "./components/Layout";
import { Loading } from "./components/ui";
import { AccountsPage } from "./pages/AccountsPage";
import { AppealRoute, AppealsPage, NewAppealPage } from "./pages/AppealsPage";
import { BasketResultPage } from "./pages/BasketResultPage";
import { BillPage, BillsPage } from "./pages/BillsPage";
import { ConfirmEmailChangePage } from "./pages/ConfirmEmailChangePage";
import { ConfirmEmailPage } from "./pages/ConfirmEmailPage";
import { FeedbackPage } from "./pages/FeedbackPage";
import { ForgotPasswordPage, ResetPasswordPage } from "./pages/PasswordPages";
import { NotFoundPage } from "./pages/NotFoundPage";
import { PaymentResultPage } from "./pages/PaymentResultPage";
import { PaymentsPage } from "./pages/PaymentsPage";
import { ProfilePage } from "./pages/ProfilePage";
import { PublicReadingsPage } from "./pages/PublicReadingsPage";
import { ReadingsPage } from "./pages/ReadingsPage";
import { RegisterPage } from "./pages/RegisterPage";
import { SignInPage } from "./pages/SignInPage";
import { StaffAcceptPage } from "./pages/StaffAcceptPage";
import { UnsubscribePage } from "./pages/UnsubscribePage";
import { RequireAuth, RequireOperator, RequireSubscriber } from "./session/guards";

// The staff's pages are a chunk of their own, fetched when a staff member first opens one: a
// subscriber's browser never downloads them.
const OperatorLinkRequestsPage = lazy(() => import("./pages/OperatorPages").then((m) => ({ default: m.OperatorLinkRequestsPage })));
const OperatorFeedbackPage = lazy(() => import("./pages/OperatorPages").then((m) => ({ default: m.OperatorFeedbackPage })));
const OperatorBillingPage = lazy(() => import("./pages/OperatorPages").then((m) => ({ default: m.OperatorBillingPage })));
const OperatorAppealsPage = lazy(() => import("./pages/OperatorAppeals").then((m) => ({ default: m.OperatorAppealsPage })));
const OperatorAppealPage = lazy(() => import("./pages/OperatorAppeals").then((m) => ({ default: m.OperatorAppealPage })));
const OperatorPaymentsPage = lazy(() => import("./pages/OperatorPayments").then((m) => ({ default: m.OperatorPaymentsPage })));
const OperatorPaymentPage = lazy(() => import("./pages/OperatorPaymentPage").then((m) => ({ default: m.OperatorPaymentPage })));
const OperatorRefundsPage = lazy(() => import("./pages/OperatorRefunds").then((m) => ({ default: m.OperatorRefundsPage })));
const ReconciliationPage = lazy(() => import("./pages/ReconciliationPage").then((m) => ({ default: m.ReconciliationPage })));
const AuditPage = lazy(() => import("./pages/AuditPage").then((m) => ({ default: m.AuditPage })));
const JobsPage = lazy(() => import("./pages/JobsPage").then((m) => ({ default: m.JobsPage })));
const StaffPage = lazy(() => import("./pages/StaffPages").then((m) => ({ default: m.StaffPage })));

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
        <Route path="unsubscribe" element={<UnsubscribePage />} />
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
          <Route
            path="operator"
            element={
              <Suspense fallback={<Loading />}>
                <RequireOperator />
              </Suspense>
            }
          >
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
            <Route path="jobs" element={<JobsPage />} />
            <Route path="staff" element={<StaffPage />} />
          </Route>
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
