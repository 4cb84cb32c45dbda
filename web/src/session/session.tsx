/**
 * Who is signed in. The session itself is the gateway's HttpOnly cookies; the page only knows
 * whether the readable CSRF cookie is there (no cookie: no session, no call) and the profile
 * (`GET /profile`, whose `role` opens the operator's menu).
 */

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useNavigate } from "react-router";

import { api, ApiError, hasSession, setSessionExpiredHandler } from "../api/client";
import type { Profile } from "../api/types";

export type SessionStatus = "loading" | "anonymous" | "signed-in";

export interface Session {
  status: SessionStatus;
  profile: Profile | null;
  /** Set when the session ended by itself (the sign-in page says so). */
  expired: boolean;
  signIn(email: string, password: string): Promise<Profile>;
  signOut(): Promise<void>;
  reload(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [status, setStatus] = useState<SessionStatus>(() => (hasSession() ? "loading" : "anonymous"));
  const [profile, setProfile] = useState<Profile | null>(null);
  const [expired, setExpired] = useState(false);

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
    } catch {
      setProfile(null);
      setStatus("anonymous");
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    setSessionExpiredHandler(() => {
      setProfile(null);
      setStatus("anonymous");
      setExpired(true);
      navigate("/", { replace: true });
    });
  }, [navigate]);

  const signIn = useCallback(async (email: string, password: string) => {
    await api.post("/auth/login", { email, password }, { headers: { "X-Session-Mode": "cookie" } });
    const me = await api.get<Profile>("/profile");
    setProfile(me);
    setExpired(false);
    setStatus("signed-in");
    return me;
  }, []);

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
    () => ({ status, profile, expired, signIn, signOut, reload: load }),
    [status, profile, expired, signIn, signOut, load],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
