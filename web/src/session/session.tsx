/**
 * Who is signed in. The session itself is the gateway's HttpOnly cookies; the page only knows
 * whether the readable CSRF cookie is there (no cookie: no session, no call) and the profile
 * (`GET /profile`, whose `role` opens the operator's menu).
 *
 * A session this browser held that identity no longer renews (a password reset or change on
 * another device, a sign-out in another tab, the profile merged away) ends with a word why:
 * whether it is found on loading the page or by a call on the way, the visitor lands on
 * «Авторизация» with `SESSION_ENDED_NOTICE` and the page they were on remembered (returnTo.ts).
 * The stale cookies are then dropped (`POST /auth/logout`: the gateway clears them whatever
 * identity answers), so the notice is said once, not at every later visit.
 */

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";

import { api, ApiError, hasSession, setSessionExpiredHandler } from "../api/client";
import type { MfaRequired, Profile } from "../api/types";
import { signInPath } from "./returnTo";

/** True in every case that ends a live session here; says what to do next. */
export const SESSION_ENDED_NOTICE =
  "Сеанс завершен: пароль был изменен или выполнен выход в другом окне или на другом устройстве. Войдите снова.";

/** Drop the cookies of a session identity refused (a failure here changes nothing). */
async function forgetEndedSession(): Promise<void> {
  try {
    await api.post("/auth/logout", undefined, { refresh: false, redirect: false });
  } catch {
    // The page forgets the session either way; the cookies then go at the next sign-in.
  }
}

export type SessionStatus = "loading" | "anonymous" | "signed-in";

export interface Session {
  status: SessionStatus;
  profile: Profile | null;
  /** Set when the session ended by itself (the sign-in page says so). */
  expired: boolean;
  /** The profile, or for staff the second step's challenge (then `completeSignIn` with a code). */
  signIn(email: string, password: string): Promise<Profile | MfaRequired>;
  /** Staff sign-in's second step: a code from the app or a recovery code. */
  completeSignIn(mfaToken: string, code: string): Promise<Profile>;
  signOut(): Promise<void>;
  reload(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const here = useRef(location.pathname + location.search);
  here.current = location.pathname + location.search;
  const [status, setStatus] = useState<SessionStatus>(() => (hasSession() ? "loading" : "anonymous"));
  const [profile, setProfile] = useState<Profile | null>(null);
  const [expired, setExpired] = useState(false);
  // Several calls can find the session over at once: the first one decides where to go.
  const ending = useRef(false);

  const load = useCallback(async () => {
    if (!hasSession()) {
      setProfile(null);
      setStatus("anonymous");
      return;
    }
    try {
      // A stale access cookie is renewed by the client; no session at all is not an error here.
      const me = await api.get<Profile>("/profile", { redirect: false });
      setProfile(me);
      setStatus("signed-in");
    } catch (error) {
      // A 401 here means the cookies of a live session are there and identity refused to renew
      // it: the session was ended elsewhere (RequireAuth then sends the visitor to sign in).
      const ended = error instanceof ApiError && error.status === 401;
      setProfile(null);
      setExpired(ended);
      setStatus("anonymous");
      if (ended) void forgetEndedSession();
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    setSessionExpiredHandler(() => {
      if (ending.current) return;
      ending.current = true;
      setProfile(null);
      setStatus("anonymous");
      setExpired(true);
      void forgetEndedSession();
      navigate(signInPath(here.current), { replace: true });
    });
  }, [navigate]);

  const signedIn = useCallback(async () => {
    const me = await api.get<Profile>("/profile");
    ending.current = false;
    setProfile(me);
    setExpired(false);
    setStatus("signed-in");
    return me;
  }, []);

  const signIn = useCallback(
    async (email: string, password: string): Promise<Profile | MfaRequired> => {
      const answer = await api.post<MfaRequired | object | null>("/auth/login", { email, password }, { headers: { "X-Session-Mode": "cookie" } });
      if (answer && "mfa_required" in answer && answer.mfa_required) return answer as MfaRequired;
      return signedIn();
    },
    [signedIn],
  );

  const completeSignIn = useCallback(
    async (mfaToken: string, code: string): Promise<Profile> => {
      await api.post("/auth/login/mfa", { mfa_token: mfaToken, code }, { headers: { "X-Session-Mode": "cookie" } });
      return signedIn();
    },
    [signedIn],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post("/auth/logout", undefined, { refresh: false });
    } catch (error) {
      // The gateway clears the cookies whatever identity answered; a network failure leaves
      // them, and the page still forgets the profile.
      if (!(error instanceof ApiError)) throw error;
    } finally {
      setProfile(null);
      setStatus("anonymous");
      setExpired(false);
    }
  }, []);

  const value = useMemo<Session>(
    () => ({ status, profile, expired, signIn, completeSignIn, signOut, reload: load }),
    [status, profile, expired, signIn, completeSignIn, signOut, load],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
